package io.carekpi.flink;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The keys of the keyed stages (conversation, customer, grouping, queue ids): the bytes of Flink's
 * {@link StringSerializer} exactly, written in one call. A heap checkpoint writes every state
 * entry's key and every timer's, and Flink's serializer hands the checkpoint's stream one byte at a
 * time, several calls per byte: keys and timers were over a third of the live job's checkpoint CPU.
 * The bytes are the same, so state and timers written by either serializer restore with the other
 * (a key serializer can never be migrated), and RocksDB finds the same keys.
 */
public final class StringKeySerializer extends TypeSerializerSingleton<String> {
    private static final long serialVersionUID = 1L;

    public static final StringKeySerializer INSTANCE = new StringKeySerializer();

    /** The key type of the keyed stages ({@code keyBy(selector, StringKeySerializer.TYPE)}). */
    public static final TypeInformation<String> TYPE = new KeyType();

    /** {@link StringValue}'s variable-length groups of 7 bits. */
    private static final int HIGH_BIT = 0x80;
    /** Each thread's buffer; longer keys get one of their own. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.write(0);
            return;
        }
        int length = s.length();
        int most = 5 + 3 * length; // the length, then at most three bytes per char
        byte[] b = BUFFER.get();
        if (b.length < most) {
            b = new byte[most];
        }
        int n = group(b, 0, length + 1); // a length of 0 stands for null
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < HIGH_BIT) {
                b[n++] = (byte) c;
            } else {
                n = group(b, n, c);
            }
        }
        out.write(b, 0, n);
    }

    /** Writes {@code v} in groups of 7 bits, low first, the high bit set on all but the last. */
    private static int group(byte[] b, int n, int v) {
        while (v >= HIGH_BIT) {
            b[n++] = (byte) (v | HIGH_BIT);
            v >>>= 7;
        }
        b[n++] = (byte) v;
        return n;
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        StringValue.copyString(in, out);
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Compatible as is with its own snapshots and with those of Flink's {@link StringSerializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(TypeSerializerSnapshot<String> old) {
            if (old instanceof Snapshot || old instanceof StringSerializer.StringSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }

    /** A String key type whose serializer is {@link StringKeySerializer}. */
    private static final class KeyType extends TypeInformation<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<String> getTypeClass() {
            return String.class;
        }

        @Override
        public boolean isKeyType() {
            return true;
        }

        @Override
        public TypeSerializer<String> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }

        @Override
        public String toString() {
            return "String (key)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyType;
        }

        @Override
        public int hashCode() {
            return KeyType.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof KeyType;
        }
    }
}

package io.carekpi.flink;

import io.carekpi.kpi.CustomerLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The customer stage's ledger state ({@link CustomerLedger}), written field by field. The ledger is
 * the largest part of the stage's state (one per customer until its verdicts are due,
 * {@code fcrWindow} after a resolution), and Flink's POJO serializer took a quarter of the CPU of
 * the live job's checkpoints, most of it handing the checkpoint's stream its text byte by byte:
 * this one encodes a ledger in memory and writes its bytes at once (layout: a length, then the
 * entries' fields in order, text as UTF-8 with its length), and copies a ledger (copy-on-write
 * during a heap snapshot) without reflection.
 *
 * <p>Savepoints of earlier builds hold the ledger as a Flink POJO: restored, its snapshot resolves
 * as compatible after migration, so the state backend reads it with the POJO serializer and writes
 * it with this one (the heap backend at the next snapshot, RocksDB when the state is registered).
 */
public final class CustomerLedgerSerializer extends TypeSerializer<CustomerLedger> {
    private static final long serialVersionUID = 1L;

    public static final CustomerLedgerSerializer INSTANCE = new CustomerLedgerSerializer();

    /** Each thread's buffer for {@link #serialize}: the serializer itself stays stateless. */
    private static final ThreadLocal<DataOutputSerializer> BUFFER =
            ThreadLocal.withInitial(() -> new DataOutputSerializer(256));
    private static final int MAX_KEPT_BUFFER = 64 * 1024;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<CustomerLedger> duplicate() {
        return this; // stateless
    }

    @Override
    public CustomerLedger createInstance() {
        return new CustomerLedger();
    }

    @Override
    public CustomerLedger copy(CustomerLedger from) {
        CustomerLedger l = new CustomerLedger();
        l.openings = new ArrayList<>(from.openings.size());
        for (CustomerLedger.Opening o : from.openings) {
            CustomerLedger.Opening c = new CustomerLedger.Opening();
            c.conversationId = o.conversationId;
            c.openedAt = o.openedAt;
            c.repeat = o.repeat;
            c.priorContacts = o.priorContacts;
            c.keepUntil = o.keepUntil;
            l.openings.add(c);
        }
        l.resolutions = new ArrayList<>(from.resolutions.size());
        for (CustomerLedger.Resolution r : from.resolutions) {
            l.resolutions.add(new CustomerLedger.Resolution(r.conversationId, r.resolvedAt));
        }
        l.pending = new ArrayList<>(from.pending.size());
        for (CustomerLedger.PendingVerdict p : from.pending) {
            CustomerLedger.PendingVerdict c = new CustomerLedger.PendingVerdict();
            c.conversationId = p.conversationId;
            c.resolvedAt = p.resolvedAt;
            c.candidate = p.candidate;
            c.lost = p.lost;
            c.contacts = p.contacts;
            c.channel = p.channel;
            c.agent = p.agent;
            c.queue = p.queue;
            l.pending.add(c);
        }
        return l;
    }

    @Override
    public CustomerLedger copy(CustomerLedger from, CustomerLedger reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    /**
     * Writes the ledger into a buffer of this thread, then hands the bytes to {@code out} in one
     * call: a checkpoint's stream takes every single byte through several calls (a third of the
     * snapshot's time went on writing text byte by byte).
     */
    @Override
    public void serialize(CustomerLedger l, DataOutputView out) throws IOException {
        DataOutputSerializer b = BUFFER.get();
        b.clear();
        b.writeInt(l.openings.size());
        for (CustomerLedger.Opening o : l.openings) {
            text(b, o.conversationId);
            b.writeLong(o.openedAt);
            b.writeLong(o.keepUntil);
            b.writeInt(o.priorContacts);
            b.writeBoolean(o.repeat);
        }
        b.writeInt(l.resolutions.size());
        for (CustomerLedger.Resolution r : l.resolutions) {
            text(b, r.conversationId);
            b.writeLong(r.resolvedAt);
        }
        b.writeInt(l.pending.size());
        for (CustomerLedger.PendingVerdict p : l.pending) {
            text(b, p.conversationId);
            b.writeLong(p.resolvedAt);
            b.writeInt(p.contacts);
            b.writeByte((p.candidate ? 1 : 0) | (p.lost ? 2 : 0));
            text(b, p.channel);
            text(b, p.agent);
            text(b, p.queue);
        }
        out.writeInt(b.length());
        out.write(b.getSharedBuffer(), 0, b.length());
        if (b.getSharedBuffer().length > MAX_KEPT_BUFFER) {
            BUFFER.remove(); // a customer with thousands of contacts: do not keep the buffer
        }
    }

    @Override
    public CustomerLedger deserialize(DataInputView from) throws IOException {
        byte[] bytes = new byte[from.readInt()];
        from.readFully(bytes);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        CustomerLedger l = new CustomerLedger();
        int n = in.readInt();
        l.openings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CustomerLedger.Opening o = new CustomerLedger.Opening();
            o.conversationId = text(in);
            o.openedAt = in.readLong();
            o.keepUntil = in.readLong();
            o.priorContacts = in.readInt();
            o.repeat = in.readBoolean();
            l.openings.add(o);
        }
        n = in.readInt();
        l.resolutions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.resolutions.add(new CustomerLedger.Resolution(text(in), in.readLong()));
        }
        n = in.readInt();
        l.pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CustomerLedger.PendingVerdict p = new CustomerLedger.PendingVerdict();
            p.conversationId = text(in);
            p.resolvedAt = in.readLong();
            p.contacts = in.readInt();
            int flags = in.readByte();
            p.candidate = (flags & 1) != 0;
            p.lost = (flags & 2) != 0;
            p.channel = text(in);
            p.agent = text(in);
            p.queue = text(in);
            l.pending.add(p);
        }
        if (in.available() != 0) {
            throw new IOException("customer ledger: " + in.available() + " bytes left unread of " + bytes.length);
        }
        return l;
    }

    /** Null as -1, else the UTF-8 length and bytes. */
    private static void text(DataOutputSerializer b, String s) throws IOException {
        if (s == null) {
            b.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        b.writeInt(utf8.length);
        b.write(utf8);
    }

    private static String text(DataInputDeserializer in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("customer ledger: a text of " + n + " bytes, " + in.available() + " left");
        }
        byte[] utf8 = new byte[n];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public CustomerLedger deserialize(CustomerLedger reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerLedgerSerializer;
    }

    @Override
    public int hashCode() {
        return CustomerLedgerSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<CustomerLedger> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The layout written above, version 1; reads POJO-serialized ledgers by migration. */
    public static final class Snapshot implements TypeSerializerSnapshot<CustomerLedger> {
        private static final int VERSION = 1;

        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion != VERSION) {
                throw new IOException("customer ledger serializer snapshot version " + readVersion
                        + " is unknown to this build (state written by a newer build?)");
            }
        }

        @Override
        public TypeSerializer<CustomerLedger> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<CustomerLedger> resolveSchemaCompatibility(
                TypeSerializerSnapshot<CustomerLedger> old) {
            if (old instanceof Snapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            if (old instanceof PojoSerializerSnapshot) { // builds up to 2026-11-30
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}

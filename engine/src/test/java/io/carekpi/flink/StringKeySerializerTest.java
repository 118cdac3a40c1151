package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StringKeySerializerTest {
    /** Keys of every shape: empty, ASCII, each length and char boundary of the 7-bit groups, surrogates, long. */
    static List<String> keys() {
        List<String> keys = new ArrayList<>(List.of("", "a", "r12-conv-000123", "WEB_CHAT|billing",
                "1d|1772409600000|WHATSAPP|all|vip", "ü", "é€", "\u007f\u0080\u3fff\u4000\uffff",
                "emoji \uD83D\uDE00 pair", "\uD800 lone surrogate"));
        keys.add("x".repeat(126));
        keys.add("x".repeat(127));
        keys.add("x".repeat(128));
        keys.add("€".repeat(300)); // more than the thread's buffer
        keys.add("k".repeat(16_383));
        keys.add("k".repeat(16_384));
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            char[] c = new char[random.nextInt(60)];
            for (int j = 0; j < c.length; j++) {
                c[j] = (char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(0x10000));
            }
            keys.add(new String(c));
        }
        return keys;
    }

    @Test
    void itWritesExactlyTheBytesOfFlinksStringSerializerAndReadsThemBack() throws Exception {
        for (String key : keys()) {
            DataOutputSerializer flink = new DataOutputSerializer(16);
            StringSerializer.INSTANCE.serialize(key, flink);
            DataOutputSerializer ours = new DataOutputSerializer(16);
            StringKeySerializer.INSTANCE.serialize(key, ours);
            assertThat(ours.getCopyOfBuffer()).as("key of length %d", key.length()).isEqualTo(flink.getCopyOfBuffer());
            assertThat(StringKeySerializer.INSTANCE.deserialize(new DataInputDeserializer(ours.getCopyOfBuffer())))
                    .isEqualTo(key);
        }
        DataOutputSerializer nullKey = new DataOutputSerializer(4);
        StringKeySerializer.INSTANCE.serialize(null, nullKey);
        DataOutputSerializer flinkNull = new DataOutputSerializer(4);
        StringSerializer.INSTANCE.serialize(null, flinkNull);
        assertThat(nullKey.getCopyOfBuffer()).isEqualTo(flinkNull.getCopyOfBuffer());
    }

    @Test
    void stateKeyedByFlinksStringSerializerRestoresAsIsAndNothingElseDoes() throws Exception {
        TypeSerializerSnapshot<String> current = StringKeySerializer.INSTANCE.snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(StringSerializer.INSTANCE.snapshotConfiguration())
                .isCompatibleAsIs()).isTrue();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, current);
        TypeSerializerSnapshot<String> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(current.resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(StringKeySerializer.INSTANCE);
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<String> other = (TypeSerializerSnapshot) LongSerializer.INSTANCE.snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(other).isIncompatible()).isTrue();
    }

    @Test
    void itsTypeIsAKeyTypeThatCreatesIt() {
        assertThat(StringKeySerializer.TYPE.isKeyType()).isTrue();
        assertThat(StringKeySerializer.TYPE.getTypeClass()).isEqualTo(String.class);
        assertThat(StringKeySerializer.TYPE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(StringKeySerializer.INSTANCE);
        assertThat(StringKeySerializer.TYPE).isNotEqualTo(Types.STRING);
    }
}

package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.CustomerLedger;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class CustomerLedgerSerializerTest {
    private static final CustomerLedgerSerializer SERIALIZER = CustomerLedgerSerializer.INSTANCE;

    static CustomerLedger ledger() {
        CustomerLedger l = new CustomerLedger();
        for (int i = 0; i < 3; i++) {
            CustomerLedger.Opening o = new CustomerLedger.Opening();
            o.conversationId = "c-" + i + "-ü";
            o.openedAt = 1_772_409_600_000L + i;
            o.keepUntil = Long.MAX_VALUE - i;
            o.priorContacts = i;
            o.repeat = i % 2 == 1;
            l.openings.add(o);
        }
        l.resolutions.add(new CustomerLedger.Resolution("c-0-ü", -5));
        CustomerLedger.PendingVerdict lost = new CustomerLedger.PendingVerdict();
        lost.conversationId = "c-0";
        lost.resolvedAt = 7;
        lost.candidate = true;
        lost.lost = true;
        lost.contacts = 2;
        lost.channel = "WHATSAPP";
        lost.agent = "alice";
        lost.queue = null; // no queue named
        CustomerLedger.PendingVerdict kept = new CustomerLedger.PendingVerdict();
        kept.conversationId = "c-1";
        kept.candidate = false;
        kept.contacts = Integer.MAX_VALUE;
        l.pending.add(lost);
        l.pending.add(kept);
        return l;
    }

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        T back = s.deserialize(in);
        assertThat(in.available()).as("every byte read").isZero();
        return back;
    }

    @Test
    void aLedgerComesBackWithEveryField() throws Exception {
        CustomerLedger l = ledger();
        assertThat(roundTrip(SERIALIZER, l)).usingRecursiveComparison().isEqualTo(l);
        assertThat(roundTrip(SERIALIZER, new CustomerLedger())).usingRecursiveComparison()
                .isEqualTo(new CustomerLedger());
    }

    /**
     * Every field of the ledger's classes set by reflection to a value no other field has: a field
     * added to them and forgotten by the serializer (or its copy) fails here.
     */
    @Test
    void everyFieldOfEveryEntryIsWrittenAndCopied() throws Exception {
        CustomerLedger l = new CustomerLedger();
        int[] next = {1};
        l.openings.add(filled(new CustomerLedger.Opening(), next));
        l.resolutions.add(filled(new CustomerLedger.Resolution(), next));
        l.pending.add(filled(new CustomerLedger.PendingVerdict(), next));
        assertThat(CustomerLedger.class.getDeclaredFields()).extracting(Field::getName)
                .containsExactlyInAnyOrder("openings", "resolutions", "pending");
        assertThat(roundTrip(SERIALIZER, l)).usingRecursiveComparison().isEqualTo(l);
        assertThat(SERIALIZER.copy(l)).usingRecursiveComparison().isEqualTo(l);
    }

    private static <T> T filled(T entry, int[] next) throws IllegalAccessException {
        for (Field f : entry.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            int v = next[0]++;
            Class<?> t = f.getType();
            if (t == long.class) {
                f.setLong(entry, 1_000_000_000_000L * v);
            } else if (t == int.class) {
                f.setInt(entry, v);
            } else if (t == boolean.class) {
                f.setBoolean(entry, true);
            } else if (t == String.class) {
                f.set(entry, "field-" + v);
            } else {
                throw new AssertionError("a field of a type this test does not fill: " + f);
            }
        }
        return entry;
    }

    @Test
    void aSerializedLedgerCopiesAsBytesAndALargeOneStillFits() throws Exception {
        CustomerLedger large = ledger();
        for (int i = 0; i < 5_000; i++) { // larger than the buffer a thread keeps
            large.resolutions.add(new CustomerLedger.Resolution("conversation-" + i, i));
        }
        for (CustomerLedger l : List.of(ledger(), large, ledger())) {
            DataOutputSerializer first = new DataOutputSerializer(64);
            SERIALIZER.serialize(l, first);
            DataOutputSerializer copied = new DataOutputSerializer(64);
            SERIALIZER.copy(new DataInputDeserializer(first.getCopyOfBuffer()), copied);
            assertThat(copied.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
            assertThat(SERIALIZER.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())))
                    .usingRecursiveComparison().isEqualTo(l);
        }
    }

    @Test
    void aCopyIsDeepSoCopyOnWriteSnapshotsKeepTheirVersion() {
        CustomerLedger l = ledger();
        CustomerLedger copy = SERIALIZER.copy(l);
        assertThat(copy).usingRecursiveComparison().isEqualTo(l);
        l.openings.get(0).priorContacts = 99;
        l.pending.get(0).lost = false;
        l.resolutions.clear();
        assertThat(copy.openings.get(0).priorContacts).isZero();
        assertThat(copy.pending.get(0).lost).isTrue();
        assertThat(copy.resolutions).hasSize(1);
    }

    @Test
    void itsSnapshotRestoresAndReadsPojoLedgersByMigrationOnly() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        TypeSerializerSnapshot<CustomerLedger> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isEqualTo(SERIALIZER);
        TypeSerializerSnapshot<CustomerLedger> current = SERIALIZER.snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();

        TypeSerializer<CustomerLedger> pojo = TypeInformation.of(CustomerLedger.class)
                .createSerializer(new SerializerConfigImpl());
        assertThat(current.resolveSchemaCompatibility(pojo.snapshotConfiguration()).isCompatibleAfterMigration())
                .as("a ledger of an earlier build").isTrue();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<CustomerLedger> other = (TypeSerializerSnapshot) StringSerializer.INSTANCE
                .snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(other).isIncompatible()).isTrue();
    }
}

package io.carekpi.flink;

import io.carekpi.kpi.CustomerLedger;
import java.io.IOException;
import java.util.ArrayList;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The customer stage's ledger state ({@link CustomerLedger}), written field by field. The ledger is
 * the largest part of the stage's state (one per customer until its verdicts are due,
 * {@code fcrWindow} after a resolution), and Flink's POJO serializer, which reads every field by
 * reflection and boxes it, took a third of the CPU of the live job's checkpoints; this one writes
 * the same content at a fraction of that cost, and copies a ledger (copy-on-write during a heap
 * snapshot) without reflection.
 *
 * <p>Savepoints of earlier builds hold the ledger as a Flink POJO: restored, its snapshot resolves
 * as compatible after migration, so the state backend reads it with the POJO serializer and writes
 * it with this one (the heap backend at the next snapshot, RocksDB when the state is registered).
 */
public final class CustomerLedgerSerializer extends TypeSerializer<CustomerLedger> {
    private static final long serialVersionUID = 1L;

    public static final CustomerLedgerSerializer INSTANCE = new CustomerLedgerSerializer();

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

    @Override
    public void serialize(CustomerLedger l, DataOutputView out) throws IOException {
        out.writeInt(l.openings.size());
        for (CustomerLedger.Opening o : l.openings) {
            StringValue.writeString(o.conversationId, out);
            out.writeLong(o.openedAt);
            out.writeLong(o.keepUntil);
            out.writeInt(o.priorContacts);
            out.writeBoolean(o.repeat);
        }
        out.writeInt(l.resolutions.size());
        for (CustomerLedger.Resolution r : l.resolutions) {
            StringValue.writeString(r.conversationId, out);
            out.writeLong(r.resolvedAt);
        }
        out.writeInt(l.pending.size());
        for (CustomerLedger.PendingVerdict p : l.pending) {
            StringValue.writeString(p.conversationId, out);
            out.writeLong(p.resolvedAt);
            out.writeInt(p.contacts);
            out.writeByte((p.candidate ? 1 : 0) | (p.lost ? 2 : 0));
            StringValue.writeString(p.channel, out);
            StringValue.writeString(p.agent, out);
            StringValue.writeString(p.queue, out);
        }
    }

    @Override
    public CustomerLedger deserialize(DataInputView in) throws IOException {
        CustomerLedger l = new CustomerLedger();
        int n = in.readInt();
        l.openings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CustomerLedger.Opening o = new CustomerLedger.Opening();
            o.conversationId = StringValue.readString(in);
            o.openedAt = in.readLong();
            o.keepUntil = in.readLong();
            o.priorContacts = in.readInt();
            o.repeat = in.readBoolean();
            l.openings.add(o);
        }
        n = in.readInt();
        l.resolutions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.resolutions.add(new CustomerLedger.Resolution(StringValue.readString(in), in.readLong()));
        }
        n = in.readInt();
        l.pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CustomerLedger.PendingVerdict p = new CustomerLedger.PendingVerdict();
            p.conversationId = StringValue.readString(in);
            p.resolvedAt = in.readLong();
            p.contacts = in.readInt();
            int flags = in.readByte();
            p.candidate = (flags & 1) != 0;
            p.lost = (flags & 2) != 0;
            p.channel = StringValue.readString(in);
            p.agent = StringValue.readString(in);
            p.queue = StringValue.readString(in);
            l.pending.add(p);
        }
        return l;
    }

    @Override
    public CustomerLedger deserialize(CustomerLedger reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
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

package io.carekpi.kpi;

import java.util.Objects;

/**
 * One completed fact of a conversation or customer, attributed to an event-time instant and to
 * the dimensions it counts for. Facts are what flows from the conversation and customer stages
 * into the windowed aggregation. A Flink POJO: public fields and a no-argument constructor.
 */
public class KpiFact {
    /** Event time the fact is attributed to (decides its window). */
    public long at;
    /** Channel symbol; never null. */
    public String channel;
    /** Acting agent, or null: a fact without an agent appears in no per-agent row. */
    public String agent;
    /** Queue last named in the conversation, or null. */
    public String queue;
    public FactKind kind;
    public long a;
    public long b;
    public long c;

    public KpiFact() {}

    public KpiFact(long at, String channel, String agent, String queue, FactKind kind, long a, long b, long c) {
        this.at = at;
        this.channel = channel;
        this.agent = agent;
        this.queue = queue;
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    public static KpiFact of(long at, String channel, String agent, String queue, FactKind kind) {
        return new KpiFact(at, channel, agent, queue, kind, 0, 0, 0);
    }

    public static KpiFact of(long at, String channel, String agent, String queue, FactKind kind, long a) {
        return new KpiFact(at, channel, agent, queue, kind, a, 0, 0);
    }

    /** A copy of this fact for another grouping of dimensions (null means not grouped). */
    public KpiFact withDimensions(String channel, String agent, String queue) {
        return new KpiFact(at, channel, agent, queue, kind, a, b, c);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KpiFact f)) {
            return false;
        }
        return at == f.at && a == f.a && b == f.b && c == f.c && kind == f.kind
                && Objects.equals(channel, f.channel) && Objects.equals(agent, f.agent)
                && Objects.equals(queue, f.queue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, channel, agent, queue, kind, a, b, c);
    }

    @Override
    public String toString() {
        return kind + "@" + at + "[" + channel + "," + agent + "," + queue + "](" + a + "," + b + "," + c + ")";
    }
}

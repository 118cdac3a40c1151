package io.carekpi.kpi;

import java.util.Objects;

/**
 * One completed fact of a conversation or customer, attributed to an event-time instant and to
 * the dimensions it counts for. Facts are what flows from the conversation and customer stages
 * into the windowed aggregation (records between operators, never kept in keyed state). A Flink
 * POJO: public fields and a no-argument constructor.
 *
 * <p>What a fact measures is named by its fields: {@link #value} for the one amount most kinds
 * carry, plus the hold of a {@link FactKind#HANDLED handled contact} and whether a
 * {@link FactKind#CSAT CSAT} answer is satisfied. {@link FactKind} says per kind what the value
 * is; build facts with the factories, which read as the domain.
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
    /**
     * The amount the fact measures (see its {@link FactKind}): a duration in ms (a response time,
     * a handled contact's talk time, a wrap-up, a wait, a dwell time), a survey score or a count
     * (contacts to resolution); 0 for kinds that are only counted.
     */
    public long value;
    /** {@link FactKind#HANDLED}: time on hold in the handled segment (ms); 0 for other kinds. */
    public long holdMs;
    /** {@link FactKind#HANDLED}: number of holds in the handled segment; 0 for other kinds. */
    public int holds;
    /** {@link FactKind#CSAT}: the score counts as satisfied; false for other kinds. */
    public boolean satisfied;

    public KpiFact() {}

    private KpiFact(long at, String channel, String agent, String queue, FactKind kind, long value) {
        this.at = at;
        this.channel = channel;
        this.agent = agent;
        this.queue = queue;
        this.kind = kind;
        this.value = value;
    }

    /** A fact that is only counted (an opening, a message, a transfer, an SLA verdict ...). */
    public static KpiFact of(long at, String channel, String agent, String queue, FactKind kind) {
        return new KpiFact(at, channel, agent, queue, kind, 0);
    }

    /** A fact with one amount, its {@link #value}: a duration in ms, a score or a count. */
    public static KpiFact of(long at, String channel, String agent, String queue, FactKind kind, long value) {
        return new KpiFact(at, channel, agent, queue, kind, value);
    }

    /** One handled contact (an agent's segment): its talk time, time on hold and number of holds. */
    public static KpiFact handled(long at, String channel, String agent, String queue, long talkMs, long holdMs,
                                  int holds) {
        KpiFact f = new KpiFact(at, channel, agent, queue, FactKind.HANDLED, talkMs);
        f.holdMs = holdMs;
        f.holds = holds;
        return f;
    }

    /**
     * A survey answer of {@code kind} (CSAT, NPS, CES, agent satisfaction) with its score;
     * {@code satisfied} is for CSAT alone.
     */
    public static KpiFact survey(long at, String channel, String agent, String queue, FactKind kind, long score,
                                 boolean satisfied) {
        if (satisfied && kind != FactKind.CSAT) {
            throw new IllegalArgumentException("only a CSAT answer is satisfied, not " + kind);
        }
        KpiFact f = new KpiFact(at, channel, agent, queue, kind, score);
        f.satisfied = satisfied;
        return f;
    }

    /** {@link FactKind#HANDLED}: the talk time of the segment (ms), the fact's {@link #value}. */
    public long talkMs() {
        return value;
    }

    /** A copy of this fact for another grouping of dimensions (null means not grouped). */
    public KpiFact withDimensions(String channel, String agent, String queue) {
        KpiFact f = new KpiFact(at, channel, agent, queue, kind, value);
        f.holdMs = holdMs;
        f.holds = holds;
        f.satisfied = satisfied;
        return f;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KpiFact f)) {
            return false;
        }
        return at == f.at && value == f.value && holdMs == f.holdMs && holds == f.holds
                && satisfied == f.satisfied && kind == f.kind && Objects.equals(channel, f.channel)
                && Objects.equals(agent, f.agent) && Objects.equals(queue, f.queue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, channel, agent, queue, kind, value, holdMs, holds, satisfied);
    }

    @Override
    public String toString() {
        String values = switch (kind == null ? FactKind.OPENED : kind) {
            case HANDLED -> "talkMs=" + value + ",holdMs=" + holdMs + ",holds=" + holds;
            case CSAT -> "score=" + value + ",satisfied=" + satisfied;
            default -> "value=" + value;
        };
        return kind + "@" + at + "[" + channel + "," + agent + "," + queue + "](" + values + ")";
    }
}

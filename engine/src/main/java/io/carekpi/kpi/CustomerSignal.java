package io.carekpi.kpi;

/**
 * What the conversation stage tells the customer stage (keyed by customer) so it can detect repeat
 * contacts and decide FCR verdicts. A Flink POJO.
 */
public class CustomerSignal {
    public enum Kind { RESOLVED, REOPENED, OPENED }

    /** Event time of the signal. */
    public long at;
    public String customerId;
    public String conversationId;
    public Kind kind;
    /** When the conversation opened. */
    public long openedAt;
    /** RESOLVED only: no transfer, escalation or reopen before this resolution. */
    public boolean eligible;
    /** RESOLVED only: dimensions of the resolution, for the facts attributed to it. */
    public String channel;
    public String agent;
    public String queue;

    public CustomerSignal() {}

    public static CustomerSignal opened(long at, String customerId, String conversationId, long openedAt) {
        CustomerSignal s = new CustomerSignal();
        s.at = at;
        s.customerId = customerId;
        s.conversationId = conversationId;
        s.kind = Kind.OPENED;
        s.openedAt = openedAt;
        return s;
    }

    public static CustomerSignal resolved(long at, String customerId, String conversationId, long openedAt,
                                          boolean eligible, String channel, String agent, String queue) {
        CustomerSignal s = opened(at, customerId, conversationId, openedAt);
        s.kind = Kind.RESOLVED;
        s.eligible = eligible;
        s.channel = channel;
        s.agent = agent;
        s.queue = queue;
        return s;
    }

    public static CustomerSignal reopened(long at, String customerId, String conversationId, long openedAt) {
        CustomerSignal s = opened(at, customerId, conversationId, openedAt);
        s.kind = Kind.REOPENED;
        return s;
    }

    @Override
    public String toString() {
        return kind + "@" + at + "(" + customerId + "," + conversationId + ")";
    }
}

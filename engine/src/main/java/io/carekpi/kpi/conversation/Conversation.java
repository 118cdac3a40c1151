package io.carekpi.kpi.conversation;

/**
 * Everything the engine remembers about one conversation (SPEC section 2): its identity here, the
 * rest in named parts. A Flink POJO (public fields, no-argument constructors, lists of POJOs) so it
 * serializes without Kryo. Times are epoch milliseconds; {@link #NONE} means "not yet".
 *
 * <p>This is the conversation stage's state since layout v2; savepoints of v1 hold
 * {@code kpi.ConversationState}, converted once at restore by {@code kpi.ConversationMigration}.
 */
public class Conversation {
    /** "Not yet" for instants and durations (the same value as the v1 layout's). */
    public static final long NONE = Long.MIN_VALUE;

    public String conversationId;
    public String customerId;
    /** Channel symbol of the conversation: its first event's known channel. */
    public String channel;
    /** The queue last named in the conversation's events so far. */
    public String queue;
    public long openedAt = NONE;
    /** First event was an agent message: an outbound contact, with no FRT and no repeat-contact role. */
    public boolean outbound;
    /** The customer was announced to the customer stage. */
    public boolean customerSignalled;
    public long lastEventAt = NONE;
    /** Summaries emitted so far: the sequence of the latest. */
    public int summaries;

    public ResponseClocks responses = new ResponseClocks();
    public Resolution resolution = new Resolution();
    public HandleSegment segment = new HandleSegment();
    public WrapUps wrapUps = new WrapUps();
    public HandleTotals handling = new HandleTotals();
    public SlaClockCounters sla = new SlaClockCounters();
    public GaugeReport gauge = new GaugeReport();

    public Conversation() {}

    public boolean isOpened() {
        return openedAt != NONE;
    }

    /** Since when the customer waits for an agent reply now, or NONE. */
    public long waitingSince() {
        return resolution.closed ? NONE : responses.waitingSince(resolution.resolvedNow);
    }

    /** The next summary's sequence number (counts it). */
    public int nextSummary() {
        return ++summaries;
    }
}

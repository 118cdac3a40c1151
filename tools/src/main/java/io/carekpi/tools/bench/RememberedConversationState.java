package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.Decoded;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.SummaryTrigger;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * State per remembered conversation: {@code n} conversations that each lived a short life
 * ({@link #LIFE}, one event a minute) and are over, {@link #AGE} ago, then one conversation that
 * opens now and moves the watermark past every window, FCR verdict and SLA clock of the others.
 * What is left in state is what the engine keeps per remembered conversation (for
 * {@code conversationRetention} after its last event): the conversation, its event ids, the
 * customer stage's opening, their timers. The checkpoint is taken when
 * <ul>
 *   <li>every one of the {@code n} conversations has emitted its summary at close;</li>
 *   <li>the watermark at the output of the window stage, the last stage of the topology (a
 *       watermark leaves an operator only after the timers it triggers have fired, and the window
 *       stage is downstream of the dedup, conversation and customer stages), has reached the
 *       instant the job started: so every window, FCR verdict and clock of the old conversations
 *       has fired and been cleared;</li>
 *   <li>the live gauges count one waiting conversation (the new one).</li>
 * </ul>
 * Events are generated in rounds (the first event of every conversation, then the second of every
 * one, ...), stamped {@link #AGE} before the wall clock plus one minute per round, so event time
 * never goes back and nothing is late.
 */
public final class RememberedConversationState {
    /** The life of each conversation, one event a minute: answered twice, resolved, closed, surveyed. */
    static final String[] LIFE = {"CONVERSATION_OPENED", "CUSTOMER_MESSAGE", "AGENT_ASSIGNED", "AGENT_MESSAGE",
            "CUSTOMER_MESSAGE", "AGENT_MESSAGE", "RESOLVED", "CONVERSATION_CLOSED", "SURVEY_RESPONSE"};
    /** How long ago the conversations lived. */
    static final Duration AGE = Duration.ofDays(5);
    private static final long STEP_MS = Duration.ofMinutes(1).toMillis();

    private static final AtomicLong CLOSED = new AtomicLong();
    private static final AtomicLong WATERMARK = new AtomicLong(Long.MIN_VALUE);

    private RememberedConversationState() {}

    static StateCheckpoint.Result measure(EngineConfig config, long n, String backend, int parallelism)
            throws Exception {
        requireOver(config);
        CLOSED.set(0);
        WATERMARK.set(Long.MIN_VALUE);
        long startedAt = System.currentTimeMillis();
        long originMs = startedAt - AGE.toMillis();
        long originNanos = System.nanoTime();
        return StateCheckpoint.measure(config, new StateCheckpoint.Scenario(n, n * LIFE.length + 1) {
            @Override
            GeneratorFunction<Long, Decoded> generator() {
                return i -> event(i, n, originMs, originNanos);
            }

            @Override
            void tap(CareKpiTopology.Outputs out) {
                out.conversations().sinkTo(new StateCheckpoint.Tap<ConversationSummary>(s -> {
                    if (s.getTrigger() == SummaryTrigger.CLOSED) {
                        CLOSED.incrementAndGet();
                    }
                }, w -> {})).setParallelism(1);
                // one subtask: the watermark it receives is the least of every window subtask's
                out.kpis().sinkTo(new StateCheckpoint.Tap<>(k -> {}, w -> WATERMARK.set(w))).setParallelism(1);
            }

            @Override
            boolean ready() {
                return CLOSED.get() == n && WATERMARK.get() >= startedAt && StateCheckpoint.waiting() == 1;
            }

            @Override
            String progress() {
                return CLOSED.get() + " of " + n + " conversations closed, watermark after the window stage "
                        + WATERMARK.get() + " (waiting for " + startedAt + "), gauges count "
                        + StateCheckpoint.waiting() + " waiting conversations (expected 1)";
            }
        }, "remembered conversations " + n, backend, parallelism, Duration.ofMinutes(30));
    }

    /**
     * Fails when {@link #AGE} is too short for the configuration: the conversations' windows must
     * be dropped ({@code kpiRetention} after the end of the largest window, 25 h for a day across a
     * DST change) and their FCR verdicts given ({@code fcrWindow}) before the job starts, with
     * 6 hours to spare for the rounds and the run itself.
     */
    static void requireOver(EngineConfig config) {
        Duration largest = config.windows.stream().map(w -> w.size).max(Duration::compareTo).orElse(Duration.ZERO);
        Duration window = largest.plusHours(1).plus(config.kpiRetention);
        Duration needed = (window.compareTo(config.fcrWindow) > 0 ? window : config.fcrWindow).plusHours(6);
        if (AGE.compareTo(needed) < 0) {
            throw new IllegalArgumentException("remembered conversations " + AGE + " old are not over under this "
                    + "configuration: windows (" + largest + " + kpiRetention " + config.kpiRetention
                    + ") and fcrWindow (" + config.fcrWindow + ") need " + needed);
        }
    }

    /**
     * The i-th event: round {@code i / n} of conversation {@code i % n}, or after the last round the
     * new conversation's first customer message, now.
     */
    private static Decoded event(long i, long n, long originMs, long originNanos) {
        long round = i / n;
        long c = i % n;
        if (round == LIFE.length) {
            return StateCheckpoint.decode("{\"eventId\":\"now\",\"occurredAt\":" + System.currentTimeMillis()
                    + ",\"conversationId\":\"now\",\"customerId\":\"now\",\"channel\":\"WEB_CHAT\","
                    + "\"queue\":\"billing\",\"type\":\"CUSTOMER_MESSAGE\"}", i);
        }
        long at = originMs + (System.nanoTime() - originNanos) / 1_000_000 + round * STEP_MS;
        String type = LIFE[(int) round];
        StringBuilder json = new StringBuilder(200).append("{\"eventId\":\"r").append(c).append('-').append(round)
                .append("\",\"occurredAt\":").append(at).append(",\"conversationId\":\"remembered-").append(c)
                .append("\",\"channel\":\"").append(StateCheckpoint.channel(c)).append("\",\"type\":\"").append(type)
                .append('"');
        switch (type) {
            case "CONVERSATION_OPENED" -> json.append(",\"customerId\":\"cust-").append(c).append("\",\"queue\":\"")
                    .append(StateCheckpoint.queue(c)).append('"');
            case "AGENT_ASSIGNED", "AGENT_MESSAGE", "RESOLVED", "CONVERSATION_CLOSED" ->
                    json.append(",\"agentId\":\"agent-").append(c % 40).append('"');
            case "SURVEY_RESPONSE" -> json.append(",\"survey\":{\"kind\":\"CSAT\",\"score\":").append(1 + c % 5)
                    .append('}');
            default -> { }
        }
        return StateCheckpoint.decode(json.append('}').toString(), i);
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * Parameters of a {@link TrafficSimulator} run. Immutable; build it with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code seed}: the same configuration always gives the same traffic, byte for byte.</li>
 *   <li>{@code firstDay}, {@code days}, {@code zone}: the local days over which new contacts
 *       arrive (follow-up contacts of returning customers, replies to late e-mails and such can
 *       fall on later days; the {@link ExpectedLedger} covers every day that has a fact).</li>
 *   <li>{@code conversationsPerDay}: customers' first contacts per day (inbound and outbound),
 *       spread over the day with a diurnal curve. Customers who come back add about a fifth
 *       more conversations. {@link Builder#peakHourlyRate} sets it from a peak-hour rate instead.</li>
 *   <li>{@code channels}, {@code agents}, {@code queues}: what the traffic uses.</li>
 *   <li>{@code selfServiceSessionsPerConversation}: help-centre sessions (article reads) per first contact.</li>
 *   <li>{@code fcrWindow}, {@code maxWrapUp}: the engine settings the expected values depend on
 *       (default 72 h and 30 min, as the engine's defaults). Plans keep every later event of a
 *       conversation (close, survey, reopen) within {@code fcrWindow} of its last event, and quiet
 *       gaps of an open one within {@link #OPEN_GAP_LIMIT}: well inside the engine's memory
 *       ({@code conversationRetention}, 30 days), so they hold however long it is.</li>
 *   <li>{@code realWorldTimelines} (off by default): also plan what real sources do over days, see
 *       {@link Timelines}: tickets reopened days after their resolution (beyond {@code fcrWindow},
 *       within {@link #CONVERSATION_RETENTION}), surveys up to a week after the conversation, some
 *       without a channel, surveys of conversations the simulated period never saw, webhook
 *       re-deliveries hours later and conflicting copies of an event id (the first one to arrive
 *       counts). These plans need the engine's memory to be at least {@link #CONVERSATION_RETENTION}.
 *       Off, the traffic of a seed is exactly what it was before the switch existed (a kept
 *       savepoint was taken on it); on, the timelines draw from a random stream of their own (the
 *       rest of the traffic changes only where a customer comes back after an extended conversation).</li>
 *   <li>{@code voiceQueueWait}: the median time a caller waits in the queue before the call rings at
 *       an agent (log-normal); callers who hang up in the queue give up after 1.75 times as long
 *       (median). The default, 40 s (70 s for those who give up), is a queue short of staff against
 *       a 30 s answer target (a quarter or less of the calls answered in time): the traffic every
 *       seed has always had. Another median only rescales the same draws, so a seed's traffic keeps
 *       its shape.</li>
 * </ul>
 */
public final class SimulationConfig {
    /** The longest quiet time the plans leave in a conversation that is still open (not resolved, not closed). */
    public static final Duration OPEN_GAP_LIMIT = Duration.ofDays(3);
    /**
     * The engine's default {@code conversationRetention}: with {@code realWorldTimelines}, quiet gaps
     * of a conversation stay well below it (at most 28 days).
     */
    public static final Duration CONVERSATION_RETENTION = Duration.ofDays(30);
    /** The default median queue wait of a call. */
    public static final Duration VOICE_QUEUE_WAIT = Duration.ofSeconds(40);

    public final long seed;
    public final LocalDate firstDay;
    public final int days;
    public final ZoneId zone;
    public final int conversationsPerDay;
    public final List<Channel> channels;
    public final int agents;
    public final List<String> queues;
    public final double selfServiceSessionsPerConversation;
    public final Duration fcrWindow;
    public final Duration maxWrapUp;
    public final boolean realWorldTimelines;
    public final Duration voiceQueueWait;

    private SimulationConfig(Builder b) {
        this.seed = b.seed;
        this.firstDay = Objects.requireNonNull(b.firstDay, "firstDay");
        this.zone = Objects.requireNonNull(b.zone, "zone");
        if (b.days < 1) {
            throw new IllegalArgumentException("days must be at least 1, got " + b.days);
        }
        this.days = b.days;
        if (b.conversationsPerDay < 0) {
            throw new IllegalArgumentException("conversationsPerDay must not be negative");
        }
        this.conversationsPerDay = b.conversationsPerDay;
        List<Channel> cs = new ArrayList<>(EnumSet.copyOf(b.channels));
        cs.remove(Channel.UNKNOWN);
        if (cs.isEmpty()) {
            throw new IllegalArgumentException("at least one channel is needed");
        }
        this.channels = List.copyOf(cs);
        if (b.agents < 1) {
            throw new IllegalArgumentException("at least one agent is needed");
        }
        this.agents = b.agents;
        if (b.queues.isEmpty() || b.queues.stream().anyMatch(q -> q == null || q.isBlank())) {
            throw new IllegalArgumentException("at least one queue is needed, and no blank queue name");
        }
        this.queues = List.copyOf(b.queues);
        if (b.selfServiceSessionsPerConversation < 0) {
            throw new IllegalArgumentException("selfServiceSessionsPerConversation must not be negative");
        }
        this.selfServiceSessionsPerConversation = b.selfServiceSessionsPerConversation;
        if (b.fcrWindow.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("fcrWindow must be at least 1h (returns are planned inside and after it)");
        }
        this.fcrWindow = b.fcrWindow;
        if (b.maxWrapUp.compareTo(Duration.ofMinutes(5)) < 0 || b.maxWrapUp.compareTo(b.fcrWindow.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("maxWrapUp must be at least 5m and at most half the fcrWindow");
        }
        this.maxWrapUp = b.maxWrapUp;
        this.realWorldTimelines = b.realWorldTimelines;
        if (b.voiceQueueWait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("voiceQueueWait must be at least 1s, got " + b.voiceQueueWait);
        }
        this.voiceQueueWait = b.voiceQueueWait;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Start of the first day in {@link #zone}. */
    public Instant start() {
        return firstDay.atStartOfDay(zone).toInstant();
    }

    @Override
    public String toString() {
        return "SimulationConfig{seed=" + seed + ", firstDay=" + firstDay + ", days=" + days + ", zone=" + zone
                + ", conversationsPerDay=" + conversationsPerDay + ", channels=" + channels + ", agents=" + agents
                + ", queues=" + queues + ", selfService=" + selfServiceSessionsPerConversation
                + ", fcrWindow=" + fcrWindow + ", maxWrapUp=" + maxWrapUp
                + (realWorldTimelines ? ", realWorldTimelines=true" : "")
                + (voiceQueueWait.equals(VOICE_QUEUE_WAIT) ? "" : ", voiceQueueWait=" + voiceQueueWait) + "}";
    }

    /** Mutable builder with defaults: one UTC day, 1000 contacts, every channel, 40 agents, 4 queues. */
    public static final class Builder {
        private long seed = 1;
        private LocalDate firstDay = LocalDate.of(2026, 3, 2);
        private int days = 1;
        private ZoneId zone = ZoneId.of("UTC");
        private int conversationsPerDay = 1000;
        private List<Channel> channels = List.of(Channel.values());
        private int agents = 40;
        private List<String> queues = List.of("billing", "tech-support", "sales", "retention");
        private double selfServiceSessionsPerConversation = 0.4;
        private Duration fcrWindow = Duration.ofHours(72);
        private Duration maxWrapUp = Duration.ofMinutes(30);
        private boolean realWorldTimelines;
        private Duration voiceQueueWait = VOICE_QUEUE_WAIT;

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder firstDay(LocalDate firstDay) {
            this.firstDay = firstDay;
            return this;
        }

        public Builder days(int days) {
            this.days = days;
            return this;
        }

        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public Builder conversationsPerDay(int n) {
            this.conversationsPerDay = n;
            return this;
        }

        /** Sets {@code conversationsPerDay} so that the busiest hour gets about {@code perHour} first contacts. */
        public Builder peakHourlyRate(double perHour) {
            this.conversationsPerDay = (int) Math.round(perHour * DiurnalCurve.dayToPeakRatio());
            return this;
        }

        public Builder channels(List<Channel> channels) {
            this.channels = List.copyOf(channels);
            return this;
        }

        public Builder channels(Channel... channels) {
            return channels(List.of(channels));
        }

        public Builder agents(int agents) {
            this.agents = agents;
            return this;
        }

        public Builder queues(List<String> queues) {
            this.queues = List.copyOf(queues);
            return this;
        }

        public Builder queues(String... queues) {
            return queues(List.of(queues));
        }

        public Builder selfServiceSessionsPerConversation(double ratio) {
            this.selfServiceSessionsPerConversation = ratio;
            return this;
        }

        public Builder fcrWindow(Duration fcrWindow) {
            this.fcrWindow = fcrWindow;
            return this;
        }

        public Builder maxWrapUp(Duration maxWrapUp) {
            this.maxWrapUp = maxWrapUp;
            return this;
        }

        /** Adds the timelines of real sources over days (off by default): see {@link Timelines}. */
        public Builder realWorldTimelines(boolean on) {
            this.realWorldTimelines = on;
            return this;
        }

        /** The median queue wait of a call (default {@link #VOICE_QUEUE_WAIT}). */
        public Builder voiceQueueWait(Duration median) {
            this.voiceQueueWait = median;
            return this;
        }

        public SimulationConfig build() {
            return new SimulationConfig(this);
        }
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.InteractionEvent;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The result of a {@link TrafficSimulator} run: the events in event-time order, the KPI values the
 * engine must report for them ({@link #ledger()}), what was planned, and counts of the scenarios
 * used ({@link #stats()}, e.g. {@code scenario.voice.transferred}, {@code journey.returnedAfterFcrWindow},
 * {@code fcr.candidate.customerCameBack.lost}, {@code survey.NPS.defaultScale}).
 */
public final class Simulation {
    private final SimulationConfig config;
    private final List<InteractionEvent> events;
    private final List<LateCopy> lateCopies;
    private final ExpectedLedger ledger;
    private final List<PlannedConversation> conversations;
    private final Map<String, Long> stats;

    Simulation(SimulationConfig config, List<InteractionEvent> events, List<LateCopy> lateCopies,
               ExpectedLedger ledger, List<PlannedConversation> conversations, Map<String, Long> stats) {
        this.config = config;
        this.events = Collections.unmodifiableList(events);
        this.lateCopies = List.copyOf(lateCopies);
        this.ledger = ledger;
        this.conversations = Collections.unmodifiableList(conversations);
        this.stats = Collections.unmodifiableMap(stats);
    }

    public SimulationConfig config() {
        return config;
    }

    /** Every planned event once, ordered by {@code occurredAt} (ties in plan order). */
    public List<InteractionEvent> events() {
        return events;
    }

    /**
     * Copies of events that arrive after their original (re-deliveries hours later, conflicting
     * copies): planned only with {@link SimulationConfig#realWorldTimelines}, added by {@link #deliver}.
     */
    public List<LateCopy> lateCopies() {
        return lateCopies;
    }

    public ExpectedLedger ledger() {
        return ledger;
    }

    /** Planned conversations and help-centre sessions, in plan order. */
    public List<PlannedConversation> conversations() {
        return conversations;
    }

    /** Scenario and outcome counts, sorted by name. */
    public Map<String, Long> stats() {
        return stats;
    }

    public long stat(String name) {
        return stats.getOrDefault(name, 0L);
    }

    /** The events as they would arrive: see {@link Delivery}. */
    public DeliveredTraffic deliver(DeliveryOptions options) {
        return Delivery.deliver(events, lateCopies, config.channels, options);
    }
}

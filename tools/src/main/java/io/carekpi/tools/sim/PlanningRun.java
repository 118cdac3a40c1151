package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mutable state of one {@link TrafficSimulator} run, shared by the plans of its conversations:
 * the draws, the staff, the events and facts booked so far, the customers, the scenario counts.
 */
final class PlanningRun {
    final SimulationConfig cfg;
    final Draws draws;
    final Staff staff;
    final ChannelMix mix;
    final ExpectedLedger.Builder ledger;
    final long fcrWindowMs;
    final long maxWrapUpMs;
    /** The timelines of real sources over days, or null when they are off (the default). */
    final Timelines timelines;
    private final List<InteractionEvent> events = new ArrayList<>();
    private final List<CustomerHistory> customers = new ArrayList<>();
    private final List<PlannedConversation> planned = new ArrayList<>();
    private final Map<String, Long> stats = new TreeMap<>();

    private int conversationSeq;
    private int customerSeq;
    private int sessionSeq;

    PlanningRun(SimulationConfig cfg) {
        this.cfg = cfg;
        this.draws = new Draws(cfg.seed);
        this.ledger = new ExpectedLedger.Builder(cfg.zone);
        this.fcrWindowMs = cfg.fcrWindow.toMillis();
        this.maxWrapUpMs = cfg.maxWrapUp.toMillis();
        this.staff = new Staff(cfg.agents, draws);
        this.mix = new ChannelMix(cfg.channels, draws);
        this.timelines = cfg.realWorldTimelines ? new Timelines(this) : null;
    }

    CustomerHistory newCustomer() {
        CustomerHistory c = new CustomerHistory(String.format("cust-%06d", ++customerSeq));
        customers.add(c);
        return c;
    }

    /** A new conversation in a random queue; {@code customer} null for an anonymous visitor (no customer rules). */
    ConversationBuilder newConversation(CustomerHistory customer, Channel ch, boolean outbound) {
        String id = String.format("%s-%06d", ch.name().toLowerCase().replace('_', '-'), ++conversationSeq);
        CustomerHistory.Contact contact = outbound || customer == null ? null : customer.newContact(id, ch);
        return new ConversationBuilder(id, ch, customer == null ? null : customer.customerId, anyQueue(),
                outbound, ledger, contact, customer == null ? null : customer.instants, maxWrapUpMs, fcrWindowMs,
                events);
    }

    /** Counts a finished conversation's scenario and channel, and lists it among the planned ones. */
    void record(ConversationBuilder b, String customerId, String scenario, boolean outbound, int contact) {
        count("scenario." + scenario);
        count("channel." + b.channel());
        if (timelines != null) {
            timelines.copies(b);
        }
        planned.add(new PlannedConversation(b.id(), b.channel(), customerId, scenario, outbound, contact,
                Instant.ofEpochMilli(b.openedAt()), b.events()));
    }

    /** The number of the next help-centre session (1, 2, ...). */
    int nextSessionNumber() {
        return ++sessionSeq;
    }

    /** An event outside any conversation (a help-centre article read). */
    void emit(InteractionEvent event) {
        events.add(event);
    }

    void recordSession(PlannedConversation session) {
        planned.add(session);
    }

    /** A random configured queue (one draw). */
    String anyQueue() {
        return draws.pick(cfg.queues);
    }

    /**
     * {@code gap}, shortened if needed to stay well below fcrWindow: the longest quiet time a plan
     * leaves in a resolved or closed conversation, which the engine forgets fcrWindow after its last event.
     */
    long quiet(long gap) {
        return Math.min(gap, fcrWindowMs * 8 / 10);
    }

    void count(String key) {
        count(key, 1);
    }

    void count(String key, long by) {
        stats.merge(key, by, Long::sum);
    }

    /** Books every customer's FCR facts and returns the simulation, events in event-time order. */
    Simulation finish() {
        for (CustomerHistory c : customers) {
            c.bookFcr(fcrWindowMs, ledger, stats);
        }
        List<InteractionEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(InteractionEvent::getOccurredAt)); // stable: plan order on ties
        List<LateCopy> copies = timelines == null ? List.of() : timelines.lateCopies();
        return new Simulation(cfg, ordered, copies, ledger.build(), planned, stats);
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.LocalDate;
import java.util.List;

/**
 * A seeded generator of realistic contact-centre traffic, with the KPI values it must produce.
 *
 * <p>From a {@link SimulationConfig} it plans customers' contacts over one or more days with a
 * diurnal arrival curve: calls (IVR, queue waits, holds, transfers, escalations, wrap-ups,
 * abandons, deflections to messaging, IVR self-service), messaging conversations on every
 * messaging channel (bot first replies, bot containment, hand-off to agents, next responses,
 * transfers, escalations, re-assignments, reopens), slow e-mail threads, outbound calls and
 * messages, surveys of every kind with and without {@code scaleMax}, help-centre article reads,
 * and customers who come back within the FCR window or after it.
 *
 * <p>Next to the events it books an {@link ExpectedLedger} <em>by construction</em>: every
 * expected value comes from the plan's own decisions (the plan chose "the agent replies 95 s after
 * the customer's wait began", so that is one first response of 95 s at the reply's instant), never
 * from the engine's rule classes. Plans stay inside the unambiguous part of the rules of SPEC
 * section 2 and docs/kpis.md: no two events of a conversation at the same millisecond, no agent
 * message while another agent's segment is open, wrap-ups ended before the close (or deliberately
 * left to end at the close or at {@code maxWrapUp}), no resolution of outbound conversations, and
 * no two conversations of a customer signalling at the same instant.
 *
 * <p>Plain Java, no Flink: usable from tests, the {@code simulate} command and benchmarks.
 *
 * <p>The parts: {@link CustomerJourney} (a customer's contacts, returns and follow-ups), one plan per
 * channel family ({@link VoiceCall}, {@link MessagingChat}, {@link EmailTicket}, {@link OutboundContact})
 * with the steps they share ({@link WrapUpAndClose}, {@link Reopen}, {@link Surveys}),
 * {@link HelpCentreSession}, all drawing from the one {@link Draws} of a {@link PlanningRun}. Every
 * random decision is drawn in plan order: a change in the order or number of draws changes all
 * later traffic of a seed.
 *
 * <pre>{@code
 * Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder().seed(7).conversationsPerDay(3000).build());
 * DeliveredTraffic file = sim.deliver(DeliveryOptions.realistic(7));
 * file.writeJsonLines(path);
 * sim.ledger().total(day).get(LedgerField.FIRST_RESPONSES);
 * }</pre>
 */
public final class TrafficSimulator {
    private final SimulationConfig config;

    public TrafficSimulator(SimulationConfig config) {
        this.config = config;
    }

    public static Simulation simulate(SimulationConfig config) {
        return new TrafficSimulator(config).simulate();
    }

    /** Plans the traffic. The same configuration (seed included) always gives the same result. */
    public Simulation simulate() {
        PlanningRun run = new PlanningRun(config);
        CustomerJourney journeys = new CustomerJourney(run);
        for (int d = 0; d < config.days; d++) {
            LocalDate day = config.firstDay.plusDays(d);
            planFirstContacts(run, journeys, day);
            planHelpCentreSessions(run, day);
            if (run.timelines != null) {
                run.timelines.surveysOfUnseenConversations(day);
            }
        }
        return run.finish();
    }

    /** The day's first contacts, each on a channel by the mix at an instant by the diurnal curve. */
    private void planFirstContacts(PlanningRun run, CustomerJourney journeys, LocalDate day) {
        for (int i = 0; i < config.conversationsPerDay; i++) {
            Channel ch = run.mix.pickInbound();
            long t = run.draws.arrival(ch, day, config.zone);
            if ((ch == Channel.WEB_CHAT || ch == Channel.APP) && run.draws.chance(0.08)) {
                journeys.anonymousChat(ch, t);
            } else {
                journeys.firstContact(ch, t);
            }
        }
    }

    private void planHelpCentreSessions(PlanningRun run, LocalDate day) {
        long sessions = Math.round(config.conversationsPerDay * config.selfServiceSessionsPerConversation);
        List<Channel> helpCentre = run.mix.helpCentre();
        for (long i = 0; i < sessions && !helpCentre.isEmpty(); i++) {
            Channel ch = run.draws.pick(helpCentre);
            HelpCentreSession.plan(run, ch, run.draws.arrival(ch, day, config.zone));
        }
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * <pre>{@code
 * Simulation sim = TrafficSimulator.simulate(SimulationConfig.builder().seed(7).conversationsPerDay(3000).build());
 * DeliveredTraffic file = sim.deliver(DeliveryOptions.realistic(7));
 * file.writeJsonLines(path);
 * sim.ledger().total(day).get(LedgerField.FIRST_RESPONSES);
 * }</pre>
 */
public final class TrafficSimulator {
    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private final SimulationConfig config;

    public TrafficSimulator(SimulationConfig config) {
        this.config = config;
    }

    public static Simulation simulate(SimulationConfig config) {
        return new TrafficSimulator(config).simulate();
    }

    /** Plans the traffic. The same configuration (seed included) always gives the same result. */
    public Simulation simulate() {
        return new Run(config).run();
    }

    /** What became of a planned conversation, for the customer's next step. */
    private enum Outcome { RESOLVED, UNRESOLVED, ABANDONED, DEFLECTED, OPEN }

    private record Result(ConversationBuilder conversation, Outcome outcome, long lastResolution) {}

    /** One planning run: all mutable state of a simulation. */
    private static final class Run {
        private final SimulationConfig cfg;
        private final Draws draws;
        private final Staff staff;
        private final ChannelMix mix;
        private final ExpectedLedger.Builder ledger;
        private final long fcrWindowMs;
        private final long maxWrapUpMs;
        private final List<InteractionEvent> events = new ArrayList<>();
        private final List<CustomerHistory> customers = new ArrayList<>();
        private final List<PlannedConversation> planned = new ArrayList<>();
        private final Map<String, Long> stats = new TreeMap<>();

        private final List<String> supervisors;
        private final List<String> voiceAgents;
        private final List<String> messagingAgents;
        private final List<String> emailAgents;
        private final List<String> allAgents;

        private int conversationSeq;
        private int customerSeq;
        private int sessionSeq;

        Run(SimulationConfig cfg) {
            this.cfg = cfg;
            this.draws = new Draws(cfg.seed);
            this.ledger = new ExpectedLedger.Builder(cfg.zone);
            this.fcrWindowMs = cfg.fcrWindow.toMillis();
            this.maxWrapUpMs = cfg.maxWrapUp.toMillis();
            this.staff = new Staff(cfg.agents, draws);
            this.mix = new ChannelMix(cfg.channels, draws);
            this.supervisors = staff.supervisors;
            this.voiceAgents = staff.voiceAgents;
            this.messagingAgents = staff.messagingAgents;
            this.emailAgents = staff.emailAgents;
            this.allAgents = staff.allAgents;
        }

        Simulation run() {
            for (int d = 0; d < cfg.days; d++) {
                LocalDate day = cfg.firstDay.plusDays(d);
                for (int i = 0; i < cfg.conversationsPerDay; i++) {
                    Channel ch = pickChannel();
                    long t = draws.arrival(ch, day, cfg.zone);
                    if ((ch == Channel.WEB_CHAT || ch == Channel.APP) && chance(0.08)) {
                        anonymousChat(ch, t);
                        continue;
                    }
                    CustomerHistory customer = newCustomer();
                    if (chance(0.05)) {
                        Channel out = outboundChannel();
                        outbound(customer, out, t, 1, "outbound.campaign");
                    } else {
                        journey(customer, ch, t, 1);
                    }
                }
                long sessions = Math.round(cfg.conversationsPerDay * cfg.selfServiceSessionsPerConversation);
                List<Channel> helpCentre = helpCentreChannels();
                for (long i = 0; i < sessions && !helpCentre.isEmpty(); i++) {
                    Channel ch = pick(helpCentre);
                    selfService(ch, draws.arrival(ch, day, cfg.zone));
                }
            }
            for (CustomerHistory c : customers) {
                c.bookFcr(fcrWindowMs, ledger, stats);
            }
            List<InteractionEvent> ordered = new ArrayList<>(events);
            ordered.sort(Comparator.comparing(InteractionEvent::getOccurredAt)); // stable: plan order on ties
            return new Simulation(cfg, ordered, ledger.build(), planned, stats);
        }

        // ---- customers and their journeys ---------------------------------------------------

        private CustomerHistory newCustomer() {
            CustomerHistory c = new CustomerHistory(String.format("cust-%06d", ++customerSeq));
            customers.add(c);
            return c;
        }

        /**
         * A customer's inbound contact, and maybe what the customer does next: call back after an
         * abandon, continue on messaging after a deflection, come back within the FCR window or
         * after it, or get an outbound follow-up from an agent (always the journey's last step).
         */
        private void journey(CustomerHistory customer, Channel ch, long start, int contact) {
            Result r = inbound(customer, ch, start, contact);
            if (contact == 1 && chance(0.03)) {
                // while the first contact is still going on, the customer also tries another channel
                count("journey.parallelContact");
                inbound(customer, pickChannel(), start + between(5 * MINUTE, 2 * HOUR), 2);
            }
            if (contact >= 3) {
                return;
            }
            long end = r.conversation().latest();
            switch (r.outcome()) {
                case DEFLECTED -> {
                    List<Channel> messaging = messagingChannels();
                    if (!messaging.isEmpty() && chance(0.7)) {
                        count("journey.continuedAfterDeflection");
                        journey(customer, pick(messaging), end + between(30 * SECOND, 10 * MINUTE), contact + 1);
                    }
                }
                case ABANDONED -> {
                    if (chance(0.4)) {
                        count("journey.calledBackAfterAbandon");
                        Channel next = chance(0.7) ? ch : pickChannel();
                        journey(customer, next, end + between(MINUTE, 45 * MINUTE), contact + 1);
                    }
                }
                case RESOLVED -> {
                    double u = draws.uniform();
                    long res = r.lastResolution();
                    if (u < 0.005 && res + fcrWindowMs > end) {
                        // exactly fcrWindow after the resolution: still within it (inclusive)
                        long at = customer.free(res + fcrWindowMs);
                        count(at - res <= fcrWindowMs ? "journey.returnedExactlyAtFcrWindowEnd"
                                : "journey.returnedAfterFcrWindow");
                        journey(customer, chance(0.5) ? ch : pickChannel(), at, contact + 1);
                    } else if (u < 0.08) {
                        long at = Math.max(res + between(fcrWindowMs / 100, fcrWindowMs * 6 / 10),
                                end + between(MINUTE, 30 * MINUTE));
                        count(at - res <= fcrWindowMs ? "journey.returnedWithinFcrWindow"
                                : "journey.returnedAfterFcrWindow");
                        journey(customer, chance(0.5) ? ch : pickChannel(), at, contact + 1);
                    } else if (u < 0.11) {
                        long at = Math.max(res + fcrWindowMs + between(fcrWindowMs / 100, fcrWindowMs * 3 / 10),
                                end + between(MINUTE, 30 * MINUTE));
                        count("journey.returnedAfterFcrWindow");
                        journey(customer, chance(0.5) ? ch : pickChannel(), at, contact + 1);
                    } else if (u < 0.14) {
                        // after everything of the customer's (a parallel contact too): no customer opening
                        // follows an outbound conversation, whose role in contacts to resolution is not defined
                        long after = customer.instants.stream().mapToLong(Long::longValue).max().orElse(end);
                        long at = Math.max(end, after) + between(30 * MINUTE, Math.min(DAY, fcrWindowMs / 2));
                        count("journey.outboundFollowUp");
                        outbound(customer, outboundChannel(), at, contact + 1, "outbound.followUp");
                    }
                }
                case UNRESOLVED -> {
                    if (chance(0.3)) {
                        count("journey.returnedUnresolved");
                        journey(customer, chance(0.5) ? ch : pickChannel(), end + between(10 * MINUTE, DAY),
                                contact + 1);
                    }
                }
                case OPEN -> {
                    // still waiting for an answer at the end of the data
                }
            }
        }

        /** A new conversation; {@code customer} null for an anonymous visitor (no customer rules). */
        private ConversationBuilder newConversation(CustomerHistory customer, Channel ch, boolean outbound) {
            String id = String.format("%s-%06d", ch.name().toLowerCase().replace('_', '-'), ++conversationSeq);
            CustomerHistory.Contact contact = outbound || customer == null ? null : customer.newContact(id, ch);
            return new ConversationBuilder(id, ch, customer == null ? null : customer.customerId, pick(cfg.queues),
                    outbound, ledger, contact, customer == null ? null : customer.instants, maxWrapUpMs, fcrWindowMs,
                    events);
        }

        private Result inbound(CustomerHistory customer, Channel ch, long start, int contact) {
            ConversationBuilder b = newConversation(customer, ch, false);
            String[] scenario = new String[1];
            long t0 = customer.free(start);
            Result r = switch (ch) {
                case VOICE -> voice(b, t0, scenario);
                case EMAIL -> email(b, t0, scenario);
                default -> messaging(b, t0, scenario, false);
            };
            b.finish();
            record(b, customer == null ? null : customer.customerId, scenario[0], false, contact);
            return r;
        }

        /**
         * A web or app chat of a visitor who never identifies: it opens with the visitor's message
         * and no event carries a customerId, so no customer rules (FCR, contacts) apply to it.
         */
        private void anonymousChat(Channel ch, long start) {
            ConversationBuilder b = newConversation(null, ch, false);
            String[] scenario = new String[1];
            messaging(b, start, scenario, true);
            b.finish();
            record(b, null, scenario[0] + ".anonymous", false, 1);
        }

        private void record(ConversationBuilder b, String customerId, String scenario, boolean outbound,
                            int contact) {
            count("scenario." + scenario);
            count("channel." + b.channel());
            planned.add(new PlannedConversation(b.id(), b.channel(), customerId, scenario, outbound, contact,
                    Instant.ofEpochMilli(b.openedAt()), b.events()));
        }

        // ---- voice ----------------------------------------------------------------------------

        private Result voice(ConversationBuilder b, long t0, String[] scenario) {
            b.opened(t0); // the caller's wait starts with the call
            long t = t0;
            boolean ivr = chance(0.45);
            if (ivr) {
                t = next(b, t, 800, 4 * SECOND);
                b.botMessage(t);
                b.botFirstResponse(t, t - t0);
            }
            double r = draws.uniform();
            if (ivr && r < 0.10) {
                scenario[0] = "voice.ivrSelfService";
                for (long k = between(1, 4); k > 0; k--) {
                    t = next(b, t, 5 * SECOND, 40 * SECOND);
                    b.botMessage(t);
                }
                long res = next(b, t, 2 * SECOND, 20 * SECOND);
                b.resolved(res, null, true); // no agent message, bot messages: contained
                b.closed(next(b, res, 300, 3 * SECOND));
                if (chance(0.3)) {
                    surveys(b, res, Channel.VOICE, null, false);
                }
                return new Result(b, Outcome.RESOLVED, res);
            }
            if (ivr && r < 0.20) {
                scenario[0] = "voice.deflectedToMessaging";
                t = next(b, t, 10 * SECOND, 90 * SECOND);
                b.deflected(t);
                b.closed(next(b, t, SECOND, 8 * SECOND)); // deflected: not an abandon
                return new Result(b, Outcome.DEFLECTED, 0);
            }
            if (chance(0.09)) {
                scenario[0] = "voice.abandonedInQueue";
                long close = b.free(Math.max(t + between(500, 2 * SECOND),
                        t0 + logNormal(70 * SECOND, 0.8, 5 * SECOND, 15 * MINUTE)));
                b.closed(close);
                b.abandoned(close, close - t0);
                return new Result(b, Outcome.ABANDONED, 0);
            }
            long ta = b.free(Math.max(t + between(300, 1500), t0 + logNormal(40 * SECOND, 0.9, 3 * SECOND, 20 * MINUTE)));
            String agent = pick(voiceAgents);
            b.assigned(ta, agent, null); // the call rings at the agent: the segment starts
            if (chance(0.02)) {
                scenario[0] = "voice.abandonedWhileRinging";
                long close = next(b, ta, 3 * SECOND, 20 * SECOND);
                b.closed(close); // ends the ringing segment: a handled contact without talk by the caller
                b.abandoned(close, close - t0);
                return new Result(b, Outcome.ABANDONED, 0);
            }
            long answer = next(b, ta, 1500, 8 * SECOND);
            b.agentMessage(answer, agent, true);
            b.firstResponse(answer, answer - t0);
            t = talk(b, answer);
            String cur = agent;
            double x = draws.uniform();
            scenario[0] = "voice.answered";
            if (x < 0.14) {
                boolean transfer = x < 0.10;
                String target = transfer ? pickOther(voiceAgents, cur) : pickOther(supervisors, cur);
                if (target != null) {
                    scenario[0] = transfer ? "voice.transferred" : "voice.escalated";
                    long tt;
                    if (chance(0.4)) {
                        // consult, then transfer from hold: the open hold ends with the segment
                        long hs = next(b, t, 5 * SECOND, 60 * SECOND);
                        b.holdStarted(hs);
                        tt = next(b, hs, 10 * SECOND, 90 * SECOND);
                    } else {
                        tt = next(b, t, 5 * SECOND, 60 * SECOND);
                    }
                    if (transfer) {
                        b.transferred(tt, chance(0.7) ? target : null, chance(0.6) ? otherQueue() : null);
                    } else {
                        b.escalated(tt, null);
                    }
                    if (chance(0.5)) {
                        long ws = next(b, tt, SECOND, 5 * SECOND);
                        b.wrapUp(cur, ws, b.free(ws + between(10 * SECOND, 2 * MINUTE)), true);
                    }
                    long pickUp = next(b, tt, 5 * SECOND, 2 * MINUTE);
                    if (chance(0.8)) {
                        b.assigned(pickUp, target, null);
                        pickUp = next(b, pickUp, SECOND, 6 * SECOND);
                    }
                    b.agentMessage(pickUp, target, true); // no customer message pending: no NRT sample
                    cur = target;
                    t = talk(b, pickUp);
                    if (t <= b.latestWrapUpEnd()) {
                        t = next(b, b.latestWrapUpEnd(), SECOND, 30 * SECOND); // the call outlasts the wrap-up
                    }
                }
            } else if (x < 0.16) {
                String other = pickOther(voiceAgents, cur);
                if (other != null) {
                    scenario[0] = "voice.reassigned";
                    long ta2 = next(b, t, 5 * SECOND, 30 * SECOND);
                    b.assigned(ta2, other, null); // ends cur's segment, no transfer
                    cur = other;
                    long hello = next(b, ta2, SECOND, 5 * SECOND);
                    b.agentMessage(hello, cur, true);
                    t = talk(b, hello);
                }
            }
            if (chance(0.9)) {
                long res = b.free(t);
                b.resolved(res, chance(0.8) ? cur : null, false);
                wrapUpAndClose(b, res, cur, 0.75, 200, 2 * SECOND, 1.0, false);
                if (chance(0.4)) {
                    surveys(b, res, chance(0.75) ? Channel.VOICE : surveyChannel(Channel.EMAIL), cur, false);
                }
                return new Result(b, Outcome.RESOLVED, res);
            }
            scenario[0] = scenario[0] + ".unresolved";
            b.closed(b.free(t)); // the call ends unresolved: the segment ends at the close
            return new Result(b, Outcome.UNRESOLVED, 0);
        }

        /** Talk with 0-2 holds from {@code t}; returns when the talk ends. */
        private long talk(ConversationBuilder b, long t) {
            long end = t + logNormal(5 * MINUTE, 0.7, 40 * SECOND, 40 * MINUTE);
            int holds = chance(0.6) ? 0 : chance(0.7) ? 1 : 2;
            long cursor = t;
            for (int i = 0; i < holds; i++) {
                long hs = b.free(cursor + between(10 * SECOND, Math.max(10 * SECOND + 1, (end - cursor) / 2)));
                b.holdStarted(hs);
                long he = b.free(hs + logNormal(MINUTE, 0.7, 10 * SECOND, 6 * MINUTE));
                b.holdEnded(he);
                cursor = he;
            }
            return b.free(Math.max(end, cursor + between(5 * SECOND, MINUTE)));
        }

        /**
         * After a resolution by {@code agent}: maybe a wrap-up (ended normally; or never ended and
         * cut by the close; or never ended and counted at maxWrapUp), then maybe the close.
         */
        private void wrapUpAndClose(ConversationBuilder b, long res, String agent, double wrapShare,
                                    long closeMin, long closeMax, double closeShare, boolean mustClose) {
            if (chance(wrapShare)) {
                boolean withId = chance(0.7);
                long ws = next(b, res, 300, 5 * SECOND);
                double v = draws.uniform();
                if (v < 0.86) {
                    long we = b.free(ws + logNormal(45 * SECOND, 0.8, 5 * SECOND, maxWrapUpMs - MINUTE));
                    b.wrapUp(agent, ws, we, withId);
                    count("wrapUp.ended");
                } else if (v < 0.93) {
                    b.forgottenWrapUp(agent, ws, withId);
                    b.closed(b.free(ws + between(MINUTE, maxWrapUpMs - MINUTE)));
                    count("wrapUp.endedByClose");
                    return;
                } else {
                    b.forgottenWrapUp(agent, ws, withId);
                    count("wrapUp.ranToMaxWrapUp");
                    if (mustClose || chance(0.8)) {
                        b.closed(b.free(ws + maxWrapUpMs + between(MINUTE, quiet(2 * HOUR) - maxWrapUpMs)));
                    }
                    return;
                }
            }
            if (mustClose || chance(closeShare)) {
                b.closed(next(b, b.latest(), Math.min(closeMin, quiet(closeMax) / 2), quiet(closeMax)));
            }
        }

        // ---- messaging ------------------------------------------------------------------------

        private double botShare(Channel ch) {
            return switch (ch) {
                case WEB_CHAT, APP, WHATSAPP, MESSENGER -> 0.7;
                case WECHAT, INSTAGRAM -> 0.5;
                case SMS -> 0.3;
                default -> 0.1;
            };
        }

        private Result messaging(ConversationBuilder b, long t0, String[] scenario, boolean anonymous) {
            long t = t0;
            boolean implicit = anonymous || chance(switch (b.channel()) {
                case SMS, TWITTER, INSTAGRAM, WECHAT -> 0.3;
                default -> 0.05;
            });
            if (implicit) {
                b.customerMessage(t0); // opens the conversation implicitly; the wait starts here
            } else {
                b.opened(t0);
                t = next(b, t0, 200, 3 * SECOND);
                b.customerMessage(t);
            }
            if (chance(botShare(b.channel()))) {
                t = next(b, t, 700, 5 * SECOND);
                b.botMessage(t);
                b.botFirstResponse(t, t - t0);
                for (long k = between(0, 4); k > 0; k--) {
                    t = next(b, t, 4 * SECOND, 60 * SECOND);
                    b.customerMessage(t); // before any agent message: no next-response wait
                    t = next(b, t, 600, 3 * SECOND);
                    b.botMessage(t);
                }
                double r = draws.uniform();
                if (r < 0.25) {
                    scenario[0] = "messaging.botContained";
                    long res = next(b, t, 3 * SECOND, 40 * SECOND);
                    b.resolved(res, null, true);
                    if (chance(0.25)) {
                        surveys(b, res, b.channel(), null, false);
                    }
                    if (chance(0.85)) {
                        b.closed(next(b, b.latest(), MINUTE, 30 * MINUTE));
                    }
                    if (chance(0.06)) {
                        // the customer comes back to the bot's answer: an agent's reply after the reopen is
                        // the conversation's first agent message, so its first response, from the opening
                        scenario[0] = "messaging.botContained.reopened";
                        long tp = b.free(b.latest() + between(Math.min(HOUR, quiet(20 * HOUR) / 2), quiet(20 * HOUR)));
                        b.reopened(tp);
                        long cm = next(b, tp, SECOND, 5 * SECOND);
                        b.customerMessage(cm);
                        String agent = pick(messagingAgents);
                        long reply = next(b, cm, MINUTE, HOUR);
                        if (chance(0.7)) {
                            b.assigned(reply, agent, null);
                            reply = next(b, reply, 5 * SECOND, 60 * SECOND);
                        }
                        b.agentMessage(reply, agent, true);
                        b.firstResponse(reply, reply - t0);
                        res = next(b, reply, 30 * SECOND, 10 * MINUTE);
                        b.resolved(res, chance(0.7) ? agent : null, false); // an agent spoke: not contained
                        b.closed(next(b, res, 5 * MINUTE, quiet(HOUR)));
                    }
                    return new Result(b, Outcome.RESOLVED, res);
                }
                if (r < 0.37) {
                    scenario[0] = "messaging.leftTheBot";
                    long close = next(b, t, 2 * MINUTE, 20 * MINUTE);
                    b.closed(close);
                    b.abandoned(close, close - t0);
                    return new Result(b, Outcome.ABANDONED, 0);
                }
            } else if (chance(0.08)) {
                scenario[0] = "messaging.abandonedInQueue";
                if (chance(0.4)) {
                    t = next(b, t, 30 * SECOND, 5 * MINUTE);
                    b.customerMessage(t); // "hello?"
                }
                long close = next(b, t, 30 * SECOND, 2 * HOUR);
                b.closed(close);
                b.abandoned(close, close - t0);
                return new Result(b, Outcome.ABANDONED, 0);
            }
            scenario[0] = "messaging.agent";
            long queueWait = logNormal(2 * MINUTE, 1.0, 5 * SECOND, 90 * MINUTE);
            if (chance(0.3)) {
                t = next(b, t, 20 * SECOND, Math.max(20 * SECOND + 1, queueWait / 2));
                b.customerMessage(t); // still before the first response: no NRT
            }
            String agent = pick(messagingAgents);
            long first = b.free(Math.max(t + between(SECOND, 5 * SECOND), t0 + queueWait));
            if (chance(0.85)) {
                b.assigned(first, agent, null);
                first = next(b, first, 5 * SECOND, 60 * SECOND);
            } // else: the agent's first message starts the segment
            b.agentMessage(first, agent, true);
            b.firstResponse(first, first - t0);
            String cur = agent;
            long lastAgent = first;
            if (chance(0.3)) {
                lastAgent = next(b, lastAgent, 3 * SECOND, 25 * SECOND);
                b.agentMessage(lastAgent, cur, chance(0.8)); // no customer message pending: no NRT
            }
            int rounds = 1 + geometric(0.35, 5);
            double h = draws.uniform();
            String handover = h < 0.09 ? "transfer" : h < 0.13 ? "escalation" : h < 0.15 ? "reassignment"
                    : h < 0.17 ? "sameAgentReassigned" : null;
            int handoverRound = (int) between(0, rounds);
            for (int round = 0; round < rounds; round++) {
                long cm = b.free(lastAgent + logNormal(40 * SECOND, 1.0, 3 * SECOND, 30 * MINUTE));
                b.customerMessage(cm); // starts a next-response wait
                long lastCustomer = cm;
                for (long k = chance(0.3) ? between(1, 3) : 0; k > 0; k--) {
                    lastCustomer = next(b, lastCustomer, 2 * SECOND, 30 * SECOND);
                    b.customerMessage(lastCustomer); // a reply is already pending: no new wait
                }
                if (round == handoverRound && handover != null) {
                    String target = switch (handover) {
                        case "escalation" -> pickOther(supervisors, cur);
                        case "sameAgentReassigned" -> cur;
                        default -> pickOther(messagingAgents, cur);
                    };
                    if (target != null) {
                        scenario[0] = "messaging." + handover;
                        long tt = next(b, lastCustomer, 10 * SECOND, 90 * SECOND);
                        switch (handover) {
                            case "transfer" -> b.transferred(tt, chance(0.7) ? target : null,
                                    chance(0.7) ? otherQueue() : null);
                            case "escalation" -> b.escalated(tt, null);
                            default -> b.assigned(tt, target, null);
                        }
                        lastCustomer = tt;
                        if (handover.equals("transfer") || handover.equals("escalation")) {
                            long pickUp = next(b, tt, 20 * SECOND, 8 * MINUTE);
                            if (chance(0.7)) {
                                b.assigned(pickUp, target, null);
                                pickUp = next(b, pickUp, 5 * SECOND, 60 * SECOND);
                            }
                            b.agentMessage(pickUp, target, true);
                            b.nextResponse(pickUp, pickUp - cm); // the wait spans the hand-over
                            cur = target;
                            lastAgent = pickUp;
                            continue;
                        }
                        cur = target;
                    }
                }
                long reply = b.free(Math.max(lastCustomer + between(SECOND, 10 * SECOND),
                        cm + logNormal(50 * SECOND, 1.0, 5 * SECOND, 20 * MINUTE)));
                b.agentMessage(reply, cur, chance(0.85));
                b.nextResponse(reply, reply - cm);
                lastAgent = reply;
                if (chance(0.2)) {
                    lastAgent = next(b, lastAgent, 3 * SECOND, 20 * SECOND);
                    b.agentMessage(lastAgent, cur, true);
                }
            }
            double e = draws.uniform();
            if (e < 0.82) {
                long res;
                if (chance(0.3)) {
                    long thanks = next(b, lastAgent, 5 * SECOND, 2 * MINUTE);
                    b.customerMessage(thanks); // the closing "thanks": its wait ends at the resolution, no sample
                    res = next(b, thanks, 3 * SECOND, 3 * MINUTE);
                } else {
                    res = next(b, lastAgent, 5 * SECOND, 5 * MINUTE);
                }
                b.resolved(res, chance(0.7) ? cur : null, false);
                double after = draws.uniform();
                if (after < 0.03) {
                    // "thanks!" after the resolution (a message, not a reopen) starts a wait; the agent
                    // answers it, which opens a new segment for the agent, ended by the close
                    scenario[0] = scenario[0] + ".thankedAfterResolution";
                    long thanks = next(b, res, 5 * SECOND, 2 * MINUTE);
                    b.customerMessage(thanks);
                    long welcome = next(b, thanks, 10 * SECOND, 3 * MINUTE);
                    b.agentMessage(welcome, cur, true);
                    b.nextResponse(welcome, welcome - thanks);
                    b.closed(next(b, welcome, MINUTE, 30 * MINUTE));
                } else if (after < 0.10) {
                    // "thanks!" left unanswered: its wait ends at the close, without a sample
                    scenario[0] = scenario[0] + ".thankedAfterResolution";
                    long thanks = next(b, res, 5 * SECOND, 2 * MINUTE);
                    b.customerMessage(thanks);
                    wrapUpAndClose(b, thanks, cur, 0.35, 5 * MINUTE, 3 * HOUR, 1.0, true);
                } else {
                    wrapUpAndClose(b, res, cur, 0.35, 5 * MINUTE, 3 * HOUR, 0.85, false);
                }
                if (chance(0.07)) {
                    scenario[0] = scenario[0] + ".reopened";
                    long[] again = reopen(b, messagingAgents, cur, HOUR, 30 * HOUR,
                            () -> logNormal(40 * SECOND, 1.0, 3 * SECOND, 30 * MINUTE),
                            () -> logNormal(50 * SECOND, 1.0, 5 * SECOND, 20 * MINUTE));
                    res = again[0];
                    cur = again[1] >= 0 ? allAgents.get((int) again[1]) : cur;
                    if (chance(0.8)) {
                        b.closed(next(b, b.latest(), 5 * MINUTE, quiet(2 * HOUR)));
                    }
                }
                if (chance(0.4)) {
                    surveys(b, res, chance(0.1) ? Channel.UNKNOWN : b.channel(), cur, false);
                }
                return new Result(b, Outcome.RESOLVED, res);
            }
            scenario[0] = scenario[0] + ".unresolved";
            if (e < 0.94) {
                b.closed(next(b, lastAgent, 10 * MINUTE, 2 * HOUR)); // the customer went quiet
            } else {
                long cm = next(b, lastAgent, 5 * SECOND, 5 * MINUTE);
                b.customerMessage(cm); // never answered: the close ends the wait without a sample
                b.closed(next(b, cm, 30 * MINUTE, 4 * HOUR));
            }
            return new Result(b, Outcome.UNRESOLVED, 0);
        }

        /**
         * The customer comes back to a resolved conversation: REOPENED, a customer message, an agent
         * (the same or another) picks it up and replies (one next response), then resolves it again.
         * Returns {resolution instant, index of the agent in allAgents}.
         */
        private long[] reopen(ConversationBuilder b, List<String> group, String previous, long minGap, long maxGap,
                              java.util.function.LongSupplier customerGap, java.util.function.LongSupplier replyGap) {
            long after = Math.max(b.latest(), b.latestForgottenWrapUpLimit());
            long hi = Math.min(maxGap, b.latest() + quiet(maxGap) - after);
            long tp = b.free(after + between(Math.min(minGap, hi / 2), hi));
            b.reopened(tp);
            long cm = next(b, tp, SECOND, 5 * SECOND);
            b.customerMessage(cm); // after the reopen, the customer's message starts a wait
            String who = chance(0.5) ? previous : pick(group);
            long reply = next(b, cm, MINUTE, 2 * HOUR);
            if (chance(0.7)) {
                b.assigned(reply, who, null);
                reply = next(b, reply, 5 * SECOND, 60 * SECOND);
            }
            b.agentMessage(reply, who, true);
            b.nextResponse(reply, reply - cm);
            long last = reply;
            if (chance(0.4)) {
                long cm2 = b.free(last + customerGap.getAsLong());
                b.customerMessage(cm2);
                long reply2 = b.free(cm2 + replyGap.getAsLong());
                b.agentMessage(reply2, who, chance(0.8));
                b.nextResponse(reply2, reply2 - cm2);
                last = reply2;
            }
            long res = next(b, last, 30 * SECOND, 10 * MINUTE);
            b.resolved(res, chance(0.7) ? who : null, false);
            return new long[] {res, allAgents.indexOf(who)};
        }

        // ---- e-mail ---------------------------------------------------------------------------

        private Result email(ConversationBuilder b, long t0, String[] scenario) {
            b.opened(t0);
            long t = next(b, t0, 300, 2 * SECOND);
            b.customerMessage(t);
            if (chance(0.5)) {
                t = next(b, t, 2 * SECOND, 60 * SECOND);
                b.botMessage(t); // the auto-responder
                b.botFirstResponse(t, t - t0);
            }
            double r = draws.uniform();
            if (r < 0.04) {
                scenario[0] = "email.unanswered";
                return new Result(b, Outcome.OPEN, 0);
            }
            if (r < 0.08) {
                scenario[0] = "email.closedUnanswered";
                long close = next(b, t, 10 * MINUTE, 6 * HOUR);
                b.closed(close);
                b.abandoned(close, close - t0);
                return new Result(b, Outcome.ABANDONED, 0);
            }
            scenario[0] = "email.answered";
            String agent = pick(emailAgents);
            long first = b.free(t + logNormal(90 * MINUTE, 0.9, 3 * MINUTE, 20 * HOUR));
            if (chance(0.75)) {
                b.assigned(first, agent, null);
                first = next(b, first, 2 * MINUTE, 25 * MINUTE);
            }
            b.agentMessage(first, agent, true);
            b.firstResponse(first, first - t0);
            String cur = agent;
            long lastAgent = first;
            int rounds = geometric(0.5, 3);
            boolean transfer = chance(0.08);
            for (int round = 0; round < rounds; round++) {
                long cm = b.free(lastAgent + logNormal(2 * HOUR, 1.0, 10 * MINUTE, 20 * HOUR));
                b.customerMessage(cm);
                String target = round == 0 && transfer ? pickOther(emailAgents, cur) : null;
                long reply;
                if (target != null) {
                    scenario[0] = "email.transferred";
                    long tt = next(b, cm, 5 * MINUTE, 2 * HOUR);
                    b.transferred(tt, null, otherQueue());
                    reply = next(b, tt, 10 * MINUTE, 4 * HOUR);
                    if (chance(0.7)) {
                        b.assigned(reply, target, null);
                        reply = next(b, reply, 2 * MINUTE, 25 * MINUTE);
                    }
                    cur = target;
                } else {
                    reply = b.free(cm + logNormal(3 * HOUR, 0.9, 15 * MINUTE, 24 * HOUR));
                }
                b.agentMessage(reply, cur, true);
                b.nextResponse(reply, reply - cm);
                lastAgent = reply;
            }
            if (chance(0.9)) {
                long res = next(b, lastAgent, MINUTE, 3 * HOUR);
                b.resolved(res, chance(0.7) ? cur : null, false);
                if (chance(0.7)) {
                    b.closed(next(b, res, Math.min(HOUR, quiet(48 * HOUR) / 2), quiet(48 * HOUR)));
                }
                if (chance(0.05)) {
                    scenario[0] = scenario[0] + ".reopened";
                    long[] again = reopen(b, emailAgents, cur, 2 * HOUR, 40 * HOUR,
                            () -> logNormal(2 * HOUR, 1.0, 10 * MINUTE, 10 * HOUR),
                            () -> logNormal(2 * HOUR, 0.9, 15 * MINUTE, 10 * HOUR));
                    res = again[0];
                    cur = again[1] >= 0 ? allAgents.get((int) again[1]) : cur;
                    if (chance(0.7)) {
                        b.closed(next(b, b.latest(), Math.min(HOUR, quiet(24 * HOUR) / 2), quiet(24 * HOUR)));
                    }
                }
                if (chance(0.3)) {
                    surveys(b, res, Channel.EMAIL, cur, true);
                }
                return new Result(b, Outcome.RESOLVED, res);
            }
            scenario[0] = scenario[0] + ".unresolved";
            b.closed(next(b, lastAgent, DAY, 2 * DAY));
            return new Result(b, Outcome.UNRESOLVED, 0);
        }

        // ---- outbound -------------------------------------------------------------------------

        /**
         * An agent reaches out: the first event is the agent's message (no FRT, no customer contact
         * for FCR). Outbound conversations end with a close, never a resolution (docs/kpis.md does
         * not say whether an outbound resolution is an FCR candidate, so the plan does not rely on it).
         */
        private void outbound(CustomerHistory customer, Channel ch, long start, int contact, String scenario) {
            ConversationBuilder b = newConversation(customer, ch, true);
            long t0 = customer.free(start);
            String agent = pick(ch == Channel.VOICE ? voiceAgents : ch == Channel.EMAIL ? emailAgents : messagingAgents);
            b.agentMessage(t0, agent, true); // opens the conversation and the agent's segment
            if (ch == Channel.VOICE) {
                b.closed(talk(b, t0));
            } else {
                long last = t0;
                for (int round = 0; round < 2 && chance(round == 0 ? 0.7 : 0.4); round++) {
                    long cm = b.free(last + logNormal(20 * MINUTE, 1.0, 30 * SECOND, 10 * HOUR));
                    b.customerMessage(cm);
                    long reply = b.free(cm + logNormal(3 * MINUTE, 1.0, 10 * SECOND, 2 * HOUR));
                    b.agentMessage(reply, agent, chance(0.8));
                    b.nextResponse(reply, reply - cm);
                    last = reply;
                }
                b.closed(next(b, last, 10 * MINUTE, 4 * HOUR));
            }
            b.finish();
            record(b, customer.customerId, scenario, true, contact);
        }

        // ---- surveys --------------------------------------------------------------------------

        /** One to three surveys after a resolution at {@code res}, on {@code surveyChannel}. */
        private void surveys(ConversationBuilder b, long res, Channel surveyChannel, String agent, boolean email) {
            int n = chance(0.6) ? 1 : chance(0.6) ? 2 : 3;
            long t = res;
            for (int i = 0; i < n; i++) {
                t = b.free(t + (email ? between(10 * MINUTE, quiet(12 * HOUR)) : between(10 * SECOND, quiet(2 * HOUR))));
                SurveyKind kind = pick(List.of(SurveyKind.CSAT, SurveyKind.CSAT, SurveyKind.NPS, SurveyKind.CES,
                        SurveyKind.AGENT_SATISFACTION));
                Integer scaleMax = switch (kind) {
                    case CSAT -> pick(java.util.Arrays.asList(null, 5, 10, 3, 7));
                    case NPS -> chance(0.5) ? null : 10;
                    case CES -> pick(java.util.Arrays.asList(null, 7, 5));
                    default -> pick(java.util.Arrays.asList(null, 5, 10));
                };
                int max = scaleMax != null ? scaleMax : switch (kind) {
                    case NPS -> 10;
                    case CES -> 7;
                    default -> 5;
                };
                int min = kind == SurveyKind.NPS ? 0 : 1;
                int score = kind == SurveyKind.CES ? skewLow(min, max) : skewHigh(min, max);
                String on = kind == SurveyKind.AGENT_SATISFACTION && agent != null && chance(0.6) ? agent
                        : chance(0.1) ? agent : null;
                b.survey(t, kind, score, scaleMax, on, surveyChannel);
                count("survey." + kind + (scaleMax == null ? ".defaultScale" : ".scale" + scaleMax));
                if (surveyChannel == Channel.UNKNOWN) {
                    count("survey.unknownChannel");
                }
            }
        }

        // ---- self-service ---------------------------------------------------------------------

        /** A help-centre session: 1-8 article reads, each after the previous one's dwell time. */
        private void selfService(Channel ch, long start) {
            String session = String.format("kb-%06d", ++sessionSeq);
            String customer = chance(0.4) ? String.format("visitor-%06d", sessionSeq) : null;
            int views = 1 + geometric(0.45, 7);
            long t = start;
            for (int i = 1; i <= views; i++) {
                long dwell = logNormal(MINUTE, 1.0, 2 * SECOND, 15 * MINUTE);
                String article = String.format("kb-article-%03d", between(1, 400));
                events.add(ConversationBuilder.articleViewed(session, i, t, ch, customer, article, dwell, ledger));
                t += dwell + between(SECOND, 20 * SECOND);
            }
            count("scenario.selfService.session");
            count("selfService.articles", views);
            planned.add(new PlannedConversation(session, ch, customer, "selfService.session", false, 0,
                    Instant.ofEpochMilli(start), views));
        }

        // ---- helpers --------------------------------------------------------------------------

        private String otherQueue() {
            return pick(cfg.queues);
        }

        /**
         * {@code gap}, shortened if needed to stay well below fcrWindow: the longest quiet time a plan
         * leaves in a resolved or closed conversation, which the engine forgets fcrWindow after its last event.
         */
        private long quiet(long gap) {
            return Math.min(gap, fcrWindowMs * 8 / 10);
        }

        private Channel outboundChannel() {
            return mix.pickOutbound();
        }

        private Channel surveyChannel(Channel preferred) {
            return mix.surveyChannel(preferred);
        }

        private int skewHigh(int lo, int hi) {
            return draws.skewHigh(lo, hi);
        }

        private int skewLow(int lo, int hi) {
            return draws.skewLow(lo, hi);
        }

        private List<Channel> helpCentreChannels() {
            return mix.helpCentre();
        }

        private List<Channel> messagingChannels() {
            return mix.messaging();
        }

        private Channel pickChannel() {
            return mix.pickInbound();
        }

        private String pickOther(List<String> group, String not) {
            return staff.pickOther(group, not);
        }

        private <T> T pick(List<T> list) {
            return draws.pick(list);
        }

        private boolean chance(double p) {
            return draws.chance(p);
        }

        private long between(long lo, long hi) {
            return draws.between(lo, hi);
        }

        private long next(ConversationBuilder b, long t, long lo, long hi) {
            return draws.next(b, t, lo, hi);
        }

        private long logNormal(long median, double sigma, long lo, long hi) {
            return draws.logNormal(median, sigma, lo, hi);
        }

        private int geometric(double p, int max) {
            return draws.geometric(p, max);
        }

        private void count(String key) {
            count(key, 1);
        }

        private void count(String key, long by) {
            stats.merge(key, by, Long::sum);
        }
    }
}

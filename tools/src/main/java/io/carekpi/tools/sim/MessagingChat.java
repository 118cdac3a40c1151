package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import io.carekpi.tools.sim.ScenarioResult.Outcome;

/**
 * One inbound chat on a messaging channel: the customer's first message (opened explicitly or
 * implicitly), maybe a bot (which may contain the chat, or be left), maybe an abandon in the queue,
 * then an agent's first reply and rounds of messages with maybe one hand-over (transfer,
 * escalation, re-assignment), then the resolution (maybe thanked for, reopened, surveyed) or a chat
 * that ends unresolved.
 */
final class MessagingChat extends ConversationPlan {
    private static final WrapUpAndClose.Habit AFTER_RESOLUTION =
            new WrapUpAndClose.Habit(0.35, 5 * MINUTE, 3 * HOUR, 0.85, false);
    private static final WrapUpAndClose.Habit AFTER_UNANSWERED_THANKS =
            new WrapUpAndClose.Habit(0.35, 5 * MINUTE, 3 * HOUR, 1.0, true);

    private final long t0;
    private final boolean anonymous;
    /** The customer's latest message before an agent took over. */
    private long t;
    /** The agent in charge, and the instant of the latest agent message. */
    private String agent;
    private long lastAgent;
    private String scenario;

    /** {@code anonymous}: a visitor's chat, always opened implicitly by the visitor's message. */
    MessagingChat(PlanningRun run, ConversationBuilder b, long t0, boolean anonymous) {
        super(run, b);
        this.t0 = t0;
        this.t = t0;
        this.anonymous = anonymous;
    }

    ScenarioResult plan() {
        openWithCustomerMessage();
        if (chance(botShare(b.channel()))) {
            talkWithBot();
            double r = uniform();
            if (r < 0.25) {
                return containedByBot();
            }
            if (r < 0.37) {
                return leftTheBot();
            }
        } else if (chance(0.08)) {
            return abandonedInQueue();
        }
        scenario = "messaging.agent";
        firstAgentReply();
        conversationRounds();
        double e = uniform();
        return e < 0.82 ? resolved() : endedUnresolved(e);
    }

    private static double botShare(Channel ch) {
        return switch (ch) {
            case WEB_CHAT, APP, WHATSAPP, MESSENGER -> 0.7;
            case WECHAT, INSTAGRAM -> 0.5;
            case SMS -> 0.3;
            default -> 0.1;
        };
    }

    private void openWithCustomerMessage() {
        boolean implicit = anonymous || chance(switch (b.channel()) {
            case SMS, TWITTER, INSTAGRAM, WECHAT -> 0.3;
            default -> 0.05;
        });
        if (implicit) {
            b.customerMessage(t0); // opens the conversation implicitly; the wait starts here
        } else {
            b.opened(t0);
            t = next(t0, 200, 3 * SECOND);
            b.customerMessage(t);
        }
    }

    /** The bot's first reply, then up to three more customer and bot messages. */
    private void talkWithBot() {
        t = next(t, 700, 5 * SECOND);
        b.botMessage(t);
        b.botFirstResponse(t, t - t0);
        for (long k = between(0, 4); k > 0; k--) {
            t = next(t, 4 * SECOND, 60 * SECOND);
            b.customerMessage(t); // before any agent message: no next-response wait
            t = next(t, 600, 3 * SECOND);
            b.botMessage(t);
        }
    }

    private ScenarioResult containedByBot() {
        scenario = "messaging.botContained";
        long res = next(t, 3 * SECOND, 40 * SECOND);
        b.resolved(res, null, true);
        if (chance(0.25)) {
            surveys(res, b.channel(), null, false);
        }
        if (chance(0.85)) {
            b.closed(next(b.latest(), MINUTE, 30 * MINUTE));
        }
        if (chance(0.06)) {
            res = reopenedToAnAgent();
        }
        return ended(Outcome.RESOLVED, res);
    }

    /**
     * The customer comes back to the bot's answer: an agent's reply after the reopen is the
     * conversation's first agent message, so its first response, from the opening.
     */
    private long reopenedToAnAgent() {
        scenario = "messaging.botContained.reopened";
        long tp = b.free(b.latest() + between(Math.min(HOUR, quiet(20 * HOUR) / 2), quiet(20 * HOUR)));
        b.reopened(tp);
        long cm = next(tp, SECOND, 5 * SECOND);
        b.customerMessage(cm);
        String first = pick(staff.messagingAgents);
        long reply = next(cm, MINUTE, HOUR);
        if (chance(0.7)) {
            b.assigned(reply, first, null);
            reply = next(reply, 5 * SECOND, 60 * SECOND);
        }
        b.agentMessage(reply, first, true);
        b.firstResponse(reply, reply - t0);
        long res = next(reply, 30 * SECOND, 10 * MINUTE);
        b.resolved(res, chance(0.7) ? first : null, false); // an agent spoke: not contained
        b.closed(next(res, 5 * MINUTE, quiet(HOUR)));
        return res;
    }

    private ScenarioResult leftTheBot() {
        scenario = "messaging.leftTheBot";
        long close = next(t, 2 * MINUTE, 20 * MINUTE);
        return abandoned(scenario, close, t0);
    }

    private ScenarioResult abandonedInQueue() {
        scenario = "messaging.abandonedInQueue";
        if (chance(0.4)) {
            t = next(t, 30 * SECOND, 5 * MINUTE);
            b.customerMessage(t); // "hello?"
        }
        long close = next(t, 30 * SECOND, 2 * HOUR);
        return abandoned(scenario, close, t0);
    }

    /** After the queue wait an agent picks the chat up and replies (the first response), maybe twice. */
    private void firstAgentReply() {
        long queueWait = logNormal(2 * MINUTE, 1.0, 5 * SECOND, 90 * MINUTE);
        if (chance(0.3)) {
            t = next(t, 20 * SECOND, Math.max(20 * SECOND + 1, queueWait / 2));
            b.customerMessage(t); // still before the first response: no NRT
        }
        agent = pick(staff.messagingAgents);
        long first = b.free(Math.max(t + between(SECOND, 5 * SECOND), t0 + queueWait));
        if (chance(0.85)) {
            b.assigned(first, agent, null);
            first = next(first, 5 * SECOND, 60 * SECOND);
        } // else: the agent's first message starts the segment
        b.agentMessage(first, agent, true);
        b.firstResponse(first, first - t0);
        lastAgent = first;
        if (chance(0.3)) {
            lastAgent = next(lastAgent, 3 * SECOND, 25 * SECOND);
            b.agentMessage(lastAgent, agent, chance(0.8)); // no customer message pending: no NRT
        }
    }

    /** One to six rounds of customer messages and agent replies; one round may bring a hand-over. */
    private void conversationRounds() {
        int rounds = 1 + geometric(0.35, 5);
        String handover = handoverKind(uniform());
        int handoverRound = (int) between(0, rounds);
        for (int round = 0; round < rounds; round++) {
            long cm = b.free(lastAgent + logNormal(40 * SECOND, 1.0, 3 * SECOND, 30 * MINUTE));
            b.customerMessage(cm); // starts a next-response wait
            long lastCustomer = moreCustomerMessages(cm);
            if (round == handoverRound && handover != null) {
                String target = handoverTarget(handover);
                if (target != null) {
                    long tt = handOver(handover, target, lastCustomer);
                    if (handover.equals("transfer") || handover.equals("escalation")) {
                        pickedUpAfterHandOver(tt, target, cm);
                        continue;
                    }
                    lastCustomer = tt;
                    agent = target;
                }
            }
            agentReply(cm, lastCustomer);
        }
    }

    private static String handoverKind(double h) {
        return h < 0.09 ? "transfer" : h < 0.13 ? "escalation" : h < 0.15 ? "reassignment"
                : h < 0.17 ? "sameAgentReassigned" : null;
    }

    /** Up to two more customer messages while a reply is pending; returns the latest one's instant. */
    private long moreCustomerMessages(long cm) {
        long lastCustomer = cm;
        for (long k = chance(0.3) ? between(1, 3) : 0; k > 0; k--) {
            lastCustomer = next(lastCustomer, 2 * SECOND, 30 * SECOND);
            b.customerMessage(lastCustomer); // a reply is already pending: no new wait
        }
        return lastCustomer;
    }

    private String handoverTarget(String handover) {
        return switch (handover) {
            case "escalation" -> pickOther(staff.supervisors, agent);
            case "sameAgentReassigned" -> agent;
            default -> pickOther(staff.messagingAgents, agent);
        };
    }

    /** The transfer, escalation or assignment after the customer's latest message; returns its instant. */
    private long handOver(String handover, String target, long lastCustomer) {
        scenario = "messaging." + handover;
        long tt = next(lastCustomer, 10 * SECOND, 90 * SECOND);
        switch (handover) {
            case "transfer" -> b.transferred(tt, chance(0.7) ? target : null,
                    chance(0.7) ? otherQueue() : null);
            case "escalation" -> b.escalated(tt, null);
            default -> b.assigned(tt, target, null);
        }
        return tt;
    }

    private void pickedUpAfterHandOver(long tt, String target, long cm) {
        long pickUp = next(tt, 20 * SECOND, 8 * MINUTE);
        if (chance(0.7)) {
            b.assigned(pickUp, target, null);
            pickUp = next(pickUp, 5 * SECOND, 60 * SECOND);
        }
        b.agentMessage(pickUp, target, true);
        b.nextResponse(pickUp, pickUp - cm); // the wait spans the hand-over
        agent = target;
        lastAgent = pickUp;
    }

    private void agentReply(long cm, long lastCustomer) {
        long reply = b.free(Math.max(lastCustomer + between(SECOND, 10 * SECOND),
                cm + logNormal(50 * SECOND, 1.0, 5 * SECOND, 20 * MINUTE)));
        b.agentMessage(reply, agent, chance(0.85));
        b.nextResponse(reply, reply - cm);
        lastAgent = reply;
        if (chance(0.2)) {
            lastAgent = next(lastAgent, 3 * SECOND, 20 * SECOND);
            b.agentMessage(lastAgent, agent, true);
        }
    }

    private ScenarioResult resolved() {
        long res = resolutionInstant();
        b.resolved(res, chance(0.7) ? agent : null, false);
        afterResolution(res);
        if (chance(0.07)) {
            res = reopened();
        }
        if (chance(0.4)) {
            surveys(res, chance(0.1) ? Channel.UNKNOWN : b.channel(), agent, false);
        }
        return ended(Outcome.RESOLVED, res);
    }

    /** Maybe after the customer's closing "thanks" (its wait ends at the resolution, no sample). */
    private long resolutionInstant() {
        if (chance(0.3)) {
            long thanks = next(lastAgent, 5 * SECOND, 2 * MINUTE);
            b.customerMessage(thanks);
            return next(thanks, 3 * SECOND, 3 * MINUTE);
        }
        return next(lastAgent, 5 * SECOND, 5 * MINUTE);
    }

    /** Maybe a "thanks!" after the resolution (a message, not a reopen), then wrap-up and close. */
    private void afterResolution(long res) {
        double after = uniform();
        if (after < 0.03) {
            // the agent answers the "thanks!": a new segment for the agent, ended by the close
            scenario = scenario + ".thankedAfterResolution";
            long thanks = next(res, 5 * SECOND, 2 * MINUTE);
            b.customerMessage(thanks);
            long welcome = next(thanks, 10 * SECOND, 3 * MINUTE);
            b.agentMessage(welcome, agent, true);
            b.nextResponse(welcome, welcome - thanks);
            b.closed(next(welcome, MINUTE, 30 * MINUTE));
        } else if (after < 0.10) {
            // "thanks!" left unanswered: its wait ends at the close, without a sample
            scenario = scenario + ".thankedAfterResolution";
            long thanks = next(res, 5 * SECOND, 2 * MINUTE);
            b.customerMessage(thanks);
            wrapUpAndClose(thanks, agent, AFTER_UNANSWERED_THANKS);
        } else {
            wrapUpAndClose(res, agent, AFTER_RESOLUTION);
        }
    }

    private long reopened() {
        scenario = scenario + ".reopened";
        Reopen.Resolved again = new Reopen(run, b).plan(staff.messagingAgents, agent, HOUR, 30 * HOUR,
                () -> logNormal(40 * SECOND, 1.0, 3 * SECOND, 30 * MINUTE),
                () -> logNormal(50 * SECOND, 1.0, 5 * SECOND, 20 * MINUTE));
        agent = again.agent();
        if (chance(0.8)) {
            b.closed(next(b.latest(), 5 * MINUTE, quiet(2 * HOUR)));
        }
        return again.at();
    }

    private ScenarioResult endedUnresolved(double e) {
        scenario = scenario + ".unresolved";
        if (e < 0.94) {
            b.closed(next(lastAgent, 10 * MINUTE, 2 * HOUR)); // the customer went quiet
        } else {
            long cm = next(lastAgent, 5 * SECOND, 5 * MINUTE);
            b.customerMessage(cm); // never answered: the close ends the wait without a sample
            b.closed(next(cm, 30 * MINUTE, 4 * HOUR));
        }
        return ended(Outcome.UNRESOLVED, 0);
    }

    private ScenarioResult ended(Outcome outcome, long lastResolution) {
        return new ScenarioResult(b, scenario, outcome, lastResolution);
    }
}

package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import io.carekpi.tools.sim.ScenarioResult.Outcome;

/**
 * One slow e-mail thread: the customer's mail, maybe an auto-responder, then either no answer at
 * all (left open, or closed unanswered) or an agent's answer hours later and up to three more
 * rounds (the first maybe transferred), then the resolution (maybe closed, reopened, surveyed) or a
 * thread closed unresolved days later.
 */
final class EmailTicket extends ConversationPlan {
    private final long t0;
    /** The customer's mail, or the auto-responder's reply to it. */
    private long t;
    /** The agent in charge, and the instant of the latest agent answer. */
    private String agent;
    private long lastAgent;
    private String scenario;

    EmailTicket(PlanningRun run, ConversationBuilder b, long t0) {
        super(run, b);
        this.t0 = t0;
    }

    ScenarioResult plan() {
        b.opened(t0);
        t = next(t0, 300, 2 * SECOND);
        b.customerMessage(t);
        if (chance(0.5)) {
            t = next(t, 2 * SECOND, 60 * SECOND);
            b.botMessage(t); // the auto-responder
            b.botFirstResponse(t, t - t0);
        }
        double r = uniform();
        if (r < 0.04) {
            scenario = "email.unanswered";
            return ended(Outcome.OPEN, 0);
        }
        if (r < 0.08) {
            return closedUnanswered();
        }
        scenario = "email.answered";
        firstAnswer();
        replyRounds();
        return chance(0.9) ? resolved() : closedUnresolved();
    }

    private ScenarioResult closedUnanswered() {
        scenario = "email.closedUnanswered";
        long close = next(t, 10 * MINUTE, 6 * HOUR);
        return abandoned(scenario, close, t0);
    }

    private void firstAnswer() {
        agent = pick(staff.emailAgents);
        long first = b.free(t + logNormal(90 * MINUTE, 0.9, 3 * MINUTE, 20 * HOUR));
        if (chance(0.75)) {
            b.assigned(first, agent, null);
            first = next(first, 2 * MINUTE, 25 * MINUTE);
        }
        b.agentMessage(first, agent, true);
        b.firstResponse(first, first - t0);
        lastAgent = first;
    }

    /** Up to three more mails of the customer, each answered; the first maybe after a transfer. */
    private void replyRounds() {
        int rounds = geometric(0.5, 3);
        boolean transfer = chance(0.08);
        for (int round = 0; round < rounds; round++) {
            long cm = b.free(lastAgent + logNormal(2 * HOUR, 1.0, 10 * MINUTE, 20 * HOUR));
            b.customerMessage(cm);
            String target = round == 0 && transfer ? pickOther(staff.emailAgents, agent) : null;
            long reply = target != null ? replyAfterTransfer(cm, target)
                    : b.free(cm + logNormal(3 * HOUR, 0.9, 15 * MINUTE, 24 * HOUR));
            b.agentMessage(reply, agent, true);
            b.nextResponse(reply, reply - cm);
            lastAgent = reply;
        }
    }

    /** The thread moves to another queue, where {@code target} picks it up; returns the reply's instant. */
    private long replyAfterTransfer(long cm, String target) {
        scenario = "email.transferred";
        long tt = next(cm, 5 * MINUTE, 2 * HOUR);
        b.transferred(tt, null, otherQueue());
        long reply = next(tt, 10 * MINUTE, 4 * HOUR);
        if (chance(0.7)) {
            b.assigned(reply, target, null);
            reply = next(reply, 2 * MINUTE, 25 * MINUTE);
        }
        agent = target;
        return reply;
    }

    private ScenarioResult resolved() {
        long res = next(lastAgent, MINUTE, 3 * HOUR);
        b.resolved(res, chance(0.7) ? agent : null, false);
        if (chance(0.7)) {
            b.closed(next(res, Math.min(HOUR, quiet(48 * HOUR) / 2), quiet(48 * HOUR)));
        }
        if (chance(0.05)) {
            res = reopened();
        }
        if (chance(0.3)) {
            surveys(res, Channel.EMAIL, agent, true);
        }
        return ended(Outcome.RESOLVED, res);
    }

    private long reopened() {
        scenario = scenario + ".reopened";
        Reopen.Resolved again = new Reopen(run, b).plan(staff.emailAgents, agent, 2 * HOUR, 40 * HOUR,
                () -> logNormal(2 * HOUR, 1.0, 10 * MINUTE, 10 * HOUR),
                () -> logNormal(2 * HOUR, 0.9, 15 * MINUTE, 10 * HOUR));
        agent = again.agent();
        if (chance(0.7)) {
            b.closed(next(b.latest(), Math.min(HOUR, quiet(24 * HOUR) / 2), quiet(24 * HOUR)));
        }
        return again.at();
    }

    private ScenarioResult closedUnresolved() {
        scenario = scenario + ".unresolved";
        b.closed(next(lastAgent, DAY, 2 * DAY));
        return ended(Outcome.UNRESOLVED, 0);
    }

    private ScenarioResult ended(Outcome outcome, long lastResolution) {
        return new ScenarioResult(b, scenario, outcome, lastResolution);
    }
}

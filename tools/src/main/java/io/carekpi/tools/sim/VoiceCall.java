package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import io.carekpi.tools.sim.ScenarioResult.Outcome;

/**
 * One inbound call: maybe an IVR greeting (then maybe self-service in the IVR, or a deflection to
 * messaging), a queue wait (maybe abandoned), an agent's phone ringing (maybe abandoned there), the
 * answer and talk with holds, maybe a transfer, escalation or re-assignment, then the resolution
 * with wrap-up, close and surveys, or a call ended unresolved.
 */
final class VoiceCall extends ConversationPlan {
    private static final WrapUpAndClose.Habit WRAP_UP =
            new WrapUpAndClose.Habit(0.75, 200, 2 * SECOND, 1.0, false);

    private final long t0;
    /** When the call's latest step ended. */
    private long t;
    /** The agent on the call. */
    private String agent;
    private String scenario;

    VoiceCall(PlanningRun run, ConversationBuilder b, long t0) {
        super(run, b);
        this.t0 = t0;
        this.t = t0;
    }

    ScenarioResult plan() {
        b.opened(t0); // the caller's wait starts with the call
        boolean ivr = chance(0.45);
        if (ivr) {
            t = next(t, 800, 4 * SECOND);
            b.botMessage(t);
            b.botFirstResponse(t, t - t0);
        }
        double r = uniform();
        if (ivr && r < 0.10) {
            return selfServiceInIvr();
        }
        if (ivr && r < 0.20) {
            return deflectedToMessaging();
        }
        if (chance(0.09)) {
            return abandonedInQueue();
        }
        long ringing = ringAnAgent();
        if (chance(0.02)) {
            return abandonedWhileRinging(ringing);
        }
        answer(ringing);
        double x = uniform();
        scenario = "voice.answered";
        if (x < 0.14) {
            handOver(x < 0.10);
        } else if (x < 0.16) {
            reassign();
        }
        return chance(0.9) ? resolved() : endedUnresolved();
    }

    private ScenarioResult selfServiceInIvr() {
        scenario = "voice.ivrSelfService";
        for (long k = between(1, 4); k > 0; k--) {
            t = next(t, 5 * SECOND, 40 * SECOND);
            b.botMessage(t);
        }
        long res = next(t, 2 * SECOND, 20 * SECOND);
        b.resolved(res, null, true); // no agent message, bot messages: contained
        b.closed(next(res, 300, 3 * SECOND));
        if (chance(0.3)) {
            surveys(res, Channel.VOICE, null, false);
        }
        return ended(Outcome.RESOLVED, res);
    }

    private ScenarioResult deflectedToMessaging() {
        scenario = "voice.deflectedToMessaging";
        t = next(t, 10 * SECOND, 90 * SECOND);
        b.deflected(t);
        b.closed(next(t, SECOND, 8 * SECOND)); // deflected: not an abandon
        return ended(Outcome.DEFLECTED, 0);
    }

    private ScenarioResult abandonedInQueue() {
        scenario = "voice.abandonedInQueue";
        long close = b.free(Math.max(t + between(500, 2 * SECOND),
                t0 + logNormal(run.cfg.voiceQueueWait.toMillis() * 7 / 4, 0.8, 5 * SECOND, 15 * MINUTE)));
        return abandoned(scenario, close, t0);
    }

    /** After the queue wait the call rings at an agent: the segment starts. Returns that instant. */
    private long ringAnAgent() {
        long ta = b.free(Math.max(t + between(300, 1500), // drawn before the wait: the order of draws is the traffic
                t0 + logNormal(run.cfg.voiceQueueWait.toMillis(), 0.9, 3 * SECOND, 20 * MINUTE)));
        agent = pick(staff.voiceAgents);
        b.assigned(ta, agent, null);
        return ta;
    }

    private ScenarioResult abandonedWhileRinging(long ringing) {
        scenario = "voice.abandonedWhileRinging";
        long close = next(ringing, 3 * SECOND, 20 * SECOND);
        // The close ends the ringing segment: a handled contact without talk by the caller.
        return abandoned(scenario, close, t0);
    }

    private void answer(long ringing) {
        long answer = next(ringing, 1500, 8 * SECOND);
        b.agentMessage(answer, agent, true);
        b.firstResponse(answer, answer - t0);
        t = talk(draws, b, answer);
    }

    /** A transfer to another voice agent or an escalation to a supervisor, unless there is nobody else. */
    private void handOver(boolean transfer) {
        String target = transfer ? pickOther(staff.voiceAgents, agent) : pickOther(staff.supervisors, agent);
        if (target == null) {
            return;
        }
        scenario = transfer ? "voice.transferred" : "voice.escalated";
        long tt = handOverInstant();
        if (transfer) {
            b.transferred(tt, chance(0.7) ? target : null, chance(0.6) ? otherQueue() : null);
        } else {
            b.escalated(tt, null);
        }
        if (chance(0.5)) {
            long ws = next(tt, SECOND, 5 * SECOND);
            b.wrapUp(agent, ws, b.free(ws + between(10 * SECOND, 2 * MINUTE)), true);
        }
        pickUpAfterHandOver(tt, target);
    }

    /** Maybe a consult first, then the transfer from hold: the open hold ends with the segment. */
    private long handOverInstant() {
        if (chance(0.4)) {
            long hs = next(t, 5 * SECOND, 60 * SECOND);
            b.holdStarted(hs);
            return next(hs, 10 * SECOND, 90 * SECOND);
        }
        return next(t, 5 * SECOND, 60 * SECOND);
    }

    private void pickUpAfterHandOver(long tt, String target) {
        long pickUp = next(tt, 5 * SECOND, 2 * MINUTE);
        if (chance(0.8)) {
            b.assigned(pickUp, target, null);
            pickUp = next(pickUp, SECOND, 6 * SECOND);
        }
        b.agentMessage(pickUp, target, true); // no customer message pending: no NRT sample
        agent = target;
        t = talk(draws, b, pickUp);
        if (t <= b.latestWrapUpEnd()) {
            t = next(b.latestWrapUpEnd(), SECOND, 30 * SECOND); // the call outlasts the wrap-up
        }
    }

    /** Another voice agent takes the call over, without a transfer. */
    private void reassign() {
        String other = pickOther(staff.voiceAgents, agent);
        if (other == null) {
            return;
        }
        scenario = "voice.reassigned";
        long ta2 = next(t, 5 * SECOND, 30 * SECOND);
        b.assigned(ta2, other, null); // ends the previous agent's segment, no transfer
        agent = other;
        long hello = next(ta2, SECOND, 5 * SECOND);
        b.agentMessage(hello, agent, true);
        t = talk(draws, b, hello);
    }

    private ScenarioResult resolved() {
        long res = b.free(t);
        b.resolved(res, chance(0.8) ? agent : null, false);
        wrapUpAndClose(res, agent, WRAP_UP);
        if (chance(0.4)) {
            surveys(res, chance(0.75) ? Channel.VOICE : run.mix.surveyChannel(Channel.EMAIL), agent, false);
        }
        return ended(Outcome.RESOLVED, res);
    }

    private ScenarioResult endedUnresolved() {
        scenario = scenario + ".unresolved";
        b.closed(b.free(t)); // the call ends unresolved: the segment ends at the close
        return ended(Outcome.UNRESOLVED, 0);
    }

    private ScenarioResult ended(Outcome outcome, long lastResolution) {
        return new ScenarioResult(b, scenario, outcome, lastResolution);
    }

    /** Talk with 0-2 holds from {@code t} (inbound or outbound call); returns when the talk ends. */
    static long talk(Draws draws, ConversationBuilder b, long t) {
        long end = t + draws.logNormal(5 * MINUTE, 0.7, 40 * SECOND, 40 * MINUTE);
        int holds = draws.chance(0.6) ? 0 : draws.chance(0.7) ? 1 : 2;
        long cursor = t;
        for (int i = 0; i < holds; i++) {
            long hs = b.free(cursor + draws.between(10 * SECOND, Math.max(10 * SECOND + 1, (end - cursor) / 2)));
            b.holdStarted(hs);
            long he = b.free(hs + draws.logNormal(MINUTE, 0.7, 10 * SECOND, 6 * MINUTE));
            b.holdEnded(he);
            cursor = he;
        }
        return b.free(Math.max(end, cursor + draws.between(5 * SECOND, MINUTE)));
    }
}

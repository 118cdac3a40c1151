package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

/**
 * After a resolution by an agent: maybe a wrap-up (ended normally; or never ended and cut by the
 * close; or never ended and counted at maxWrapUp), then maybe the close.
 */
final class WrapUpAndClose extends ConversationPlan {
    /**
     * How a channel's agents finish: the share of resolutions followed by a wrap-up, the gap before
     * the close ([closeMin, closeMax), kept quiet), the share closed, and whether the close is certain
     * (then it takes no draw).
     */
    record Habit(double wrapShare, long closeMin, long closeMax, double closeShare, boolean mustClose) {}

    WrapUpAndClose(PlanningRun run, ConversationBuilder b) {
        super(run, b);
    }

    void after(long res, String agent, Habit habit) {
        if (chance(habit.wrapShare())) {
            boolean withId = chance(0.7);
            long ws = next(res, 300, 5 * SECOND);
            double v = uniform();
            if (v < 0.86) {
                endedWrapUp(agent, ws, withId);
            } else if (v < 0.93) {
                wrapUpEndedByClose(agent, ws, withId);
                return;
            } else {
                wrapUpRunToMaxWrapUp(agent, ws, withId, habit.mustClose());
                return;
            }
        }
        if (habit.mustClose() || chance(habit.closeShare())) {
            long closeMax = habit.closeMax();
            b.closed(next(b.latest(), Math.min(habit.closeMin(), quiet(closeMax) / 2), quiet(closeMax)));
        }
    }

    private void endedWrapUp(String agent, long ws, boolean withId) {
        long we = b.free(ws + logNormal(45 * SECOND, 0.8, 5 * SECOND, run.maxWrapUpMs - MINUTE));
        b.wrapUp(agent, ws, we, withId);
        count("wrapUp.ended");
    }

    private void wrapUpEndedByClose(String agent, long ws, boolean withId) {
        b.forgottenWrapUp(agent, ws, withId);
        b.closed(b.free(ws + between(MINUTE, run.maxWrapUpMs - MINUTE)));
        count("wrapUp.endedByClose");
    }

    private void wrapUpRunToMaxWrapUp(String agent, long ws, boolean withId, boolean mustClose) {
        b.forgottenWrapUp(agent, ws, withId);
        count("wrapUp.ranToMaxWrapUp");
        if (mustClose || chance(0.8)) {
            long maxWrapUpMs = run.maxWrapUpMs;
            b.closed(b.free(ws + maxWrapUpMs + between(MINUTE, quiet(2 * HOUR) - maxWrapUpMs)));
        }
    }
}

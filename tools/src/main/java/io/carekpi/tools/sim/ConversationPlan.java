package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.util.List;

/**
 * The base of the plans that write one conversation: the conversation's builder, the run it belongs
 * to, and the draws as the plans use them. Every helper draws exactly as {@link Draws} says.
 */
abstract class ConversationPlan {
    final PlanningRun run;
    final Draws draws;
    final Staff staff;
    final ConversationBuilder b;

    ConversationPlan(PlanningRun run, ConversationBuilder b) {
        this(run, b, run.draws);
    }

    /** A plan drawing from {@code draws} instead of the run's (the timelines' own stream). */
    ConversationPlan(PlanningRun run, ConversationBuilder b, Draws draws) {
        this.run = run;
        this.draws = draws;
        this.staff = run.staff;
        this.b = b;
    }

    boolean chance(double p) {
        return draws.chance(p);
    }

    double uniform() {
        return draws.uniform();
    }

    long between(long lo, long hi) {
        return draws.between(lo, hi);
    }

    /** {@code t} plus a uniform gap in [lo, hi), moved to a free millisecond of the conversation. */
    long next(long t, long lo, long hi) {
        return draws.next(b, t, lo, hi);
    }

    long logNormal(long median, double sigma, long lo, long hi) {
        return draws.logNormal(median, sigma, lo, hi);
    }

    int geometric(double p, int max) {
        return draws.geometric(p, max);
    }

    <T> T pick(List<T> list) {
        return draws.pick(list);
    }

    String pickOther(List<String> group, String not) {
        return staff.pickOther(group, not);
    }

    String otherQueue() {
        return run.anyQueue();
    }

    long quiet(long gap) {
        return run.quiet(gap);
    }

    void count(String key) {
        run.count(key);
    }

    /**
     * The close at {@code close} of a contact nobody resolved, waiting since {@code since}: an
     * abandoned contact (its wait booked in the ledger), the end of scenario {@code scenario}.
     */
    ScenarioResult abandoned(String scenario, long close, long since) {
        b.closed(close);
        b.abandoned(close, close - since);
        return new ScenarioResult(b, scenario, ScenarioResult.Outcome.ABANDONED, 0);
    }

    /** One to three surveys after the resolution at {@code res}: see {@link Surveys}. */
    void surveys(long res, Channel surveyChannel, String agent, boolean email) {
        new Surveys(run, b).send(res, surveyChannel, agent, email);
    }

    /** Maybe a wrap-up, then maybe the close, after {@code res}: see {@link WrapUpAndClose}. */
    void wrapUpAndClose(long res, String agent, WrapUpAndClose.Habit habit) {
        new WrapUpAndClose(run, b).after(res, agent, habit);
    }
}

package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The customer comes back to a resolved conversation: REOPENED, a customer message, an agent (the
 * same or another of the group) picks it up and replies (one next response), maybe one more
 * exchange, then the agent resolves it again.
 */
final class Reopen extends ConversationPlan {
    /** The new resolution's instant and the agent who answered after the reopen. */
    record Resolved(long at, String agent) {}

    Reopen(PlanningRun run, ConversationBuilder b) {
        super(run, b);
    }

    /**
     * @param minGap shortest time from the conversation's last event (or a wrap-up's limit) to the reopen
     * @param maxGap longest such time (kept quiet)
     * @param customerGap, replyGap the gaps of the optional second exchange
     */
    Resolved plan(List<String> group, String previous, long minGap, long maxGap, LongSupplier customerGap,
                  LongSupplier replyGap) {
        long cm = reopenWithCustomerMessage(minGap, maxGap);
        String who = chance(0.5) ? previous : pick(group);
        long reply = next(cm, MINUTE, 2 * HOUR);
        if (chance(0.7)) {
            b.assigned(reply, who, null);
            reply = next(reply, 5 * SECOND, 60 * SECOND);
        }
        b.agentMessage(reply, who, true);
        b.nextResponse(reply, reply - cm);
        long last = reply;
        if (chance(0.4)) {
            last = oneMoreExchange(last, who, customerGap, replyGap);
        }
        long res = next(last, 30 * SECOND, 10 * MINUTE);
        b.resolved(res, chance(0.7) ? who : null, false);
        return new Resolved(res, who);
    }

    /** REOPENED after everything so far, then the customer's message (which starts a wait); returns the message's instant. */
    private long reopenWithCustomerMessage(long minGap, long maxGap) {
        long after = Math.max(b.latest(), b.latestForgottenWrapUpLimit());
        long hi = Math.min(maxGap, b.latest() + quiet(maxGap) - after);
        long tp = b.free(after + between(Math.min(minGap, hi / 2), hi));
        b.reopened(tp);
        long cm = next(tp, SECOND, 5 * SECOND);
        b.customerMessage(cm); // after the reopen, the customer's message starts a wait
        return cm;
    }

    private long oneMoreExchange(long last, String who, LongSupplier customerGap, LongSupplier replyGap) {
        long cm2 = b.free(last + customerGap.getAsLong());
        b.customerMessage(cm2);
        long reply2 = b.free(cm2 + replyGap.getAsLong());
        b.agentMessage(reply2, who, chance(0.8));
        b.nextResponse(reply2, reply2 - cm2);
        return reply2;
    }
}

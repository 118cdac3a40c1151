package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import java.util.List;

/**
 * A customer's contacts: the first one, and maybe what the customer does next: call back after an
 * abandon, continue on messaging after a deflection, come back within the FCR window, exactly at
 * its end or after it, come back unresolved, or get an outbound follow-up from an agent (always the
 * journey's last step). At most three inbound contacts, one of them maybe in parallel on another
 * channel. Also the chats of anonymous visitors, who have no journey.
 */
final class CustomerJourney {
    private final PlanningRun run;
    private final Draws draws;
    private final ChannelMix mix;
    private final long fcrWindowMs;

    CustomerJourney(PlanningRun run) {
        this.run = run;
        this.draws = run.draws;
        this.mix = run.mix;
        this.fcrWindowMs = run.fcrWindowMs;
    }

    /** A new customer's first contact on {@code ch} at {@code t}; 5 % are an agent's outbound campaign instead. */
    void firstContact(Channel ch, long t) {
        CustomerHistory customer = run.newCustomer();
        if (draws.chance(0.05)) {
            Channel out = mix.pickOutbound();
            new OutboundContact(run, customer, out).plan(t, 1, "outbound.campaign");
        } else {
            contact(customer, ch, t, 1);
        }
    }

    /**
     * A web or app chat of a visitor who never identifies: it opens with the visitor's message
     * and no event carries a customerId, so no customer rules (FCR, contacts) apply to it.
     */
    void anonymousChat(Channel ch, long start) {
        ConversationBuilder b = run.newConversation(null, ch, false);
        ScenarioResult r = new MessagingChat(run, b, start, true).plan();
        b.finish();
        run.record(b, null, r.scenario() + ".anonymous", false, 1);
    }

    /** The customer's {@code contact}-th inbound contact, and what the customer does next. */
    private void contact(CustomerHistory customer, Channel ch, long start, int contact) {
        ScenarioResult r = inbound(customer, ch, start, contact);
        if (contact == 1 && draws.chance(0.03)) {
            // while the first contact is still going on, the customer also tries another channel
            run.count("journey.parallelContact");
            inbound(customer, mix.pickInbound(), start + draws.between(5 * MINUTE, 2 * HOUR), 2);
        }
        if (contact >= 3) {
            return;
        }
        long end = r.conversation().latest();
        switch (r.outcome()) {
            case DEFLECTED -> continueOnMessaging(customer, end, contact);
            case ABANDONED -> callBack(customer, ch, end, contact);
            case RESOLVED -> comeBackAfterResolution(customer, ch, r.lastResolution(), end, contact);
            case UNRESOLVED -> comeBackUnresolved(customer, ch, end, contact);
            case OPEN -> {
                // still waiting for an answer at the end of the data
            }
        }
    }

    private ScenarioResult inbound(CustomerHistory customer, Channel ch, long start, int contact) {
        ConversationBuilder b = run.newConversation(customer, ch, false);
        long t0 = customer.free(start);
        ScenarioResult r = switch (ch) {
            case VOICE -> new VoiceCall(run, b, t0).plan();
            case EMAIL -> new EmailTicket(run, b, t0).plan();
            default -> new MessagingChat(run, b, t0, false).plan();
        };
        if (run.timelines != null) {
            r = run.timelines.extend(r);
        }
        b.finish();
        run.record(b, customer.customerId, r.scenario(), false, contact);
        return r;
    }

    private void continueOnMessaging(CustomerHistory customer, long end, int contact) {
        List<Channel> messaging = mix.messaging();
        if (!messaging.isEmpty() && draws.chance(0.7)) {
            run.count("journey.continuedAfterDeflection");
            contact(customer, draws.pick(messaging), end + draws.between(30 * SECOND, 10 * MINUTE), contact + 1);
        }
    }

    private void callBack(CustomerHistory customer, Channel ch, long end, int contact) {
        if (draws.chance(0.4)) {
            run.count("journey.calledBackAfterAbandon");
            Channel next = draws.chance(0.7) ? ch : mix.pickInbound();
            contact(customer, next, end + draws.between(MINUTE, 45 * MINUTE), contact + 1);
        }
    }

    /** After a resolution at {@code res}: 14 % come back (or are contacted), inside the FCR window or after it. */
    private void comeBackAfterResolution(CustomerHistory customer, Channel ch, long res, long end, int contact) {
        double u = draws.uniform();
        if (u < 0.005 && res + fcrWindowMs > end) {
            // exactly fcrWindow after the resolution: still within it (inclusive)
            long at = customer.free(res + fcrWindowMs);
            run.count(at - res <= fcrWindowMs ? "journey.returnedExactlyAtFcrWindowEnd"
                    : "journey.returnedAfterFcrWindow");
            comeBack(customer, ch, at, contact);
        } else if (u < 0.08) {
            long at = Math.max(res + draws.between(fcrWindowMs / 100, fcrWindowMs * 6 / 10),
                    end + draws.between(MINUTE, 30 * MINUTE));
            run.count(at - res <= fcrWindowMs ? "journey.returnedWithinFcrWindow" : "journey.returnedAfterFcrWindow");
            comeBack(customer, ch, at, contact);
        } else if (u < 0.11) {
            long at = Math.max(res + fcrWindowMs + draws.between(fcrWindowMs / 100, fcrWindowMs * 3 / 10),
                    end + draws.between(MINUTE, 30 * MINUTE));
            run.count("journey.returnedAfterFcrWindow");
            comeBack(customer, ch, at, contact);
        } else if (u < 0.14) {
            outboundFollowUp(customer, end, contact);
        }
    }

    /** The customer's next contact at {@code at}, on the same channel or (half the time) a random one. */
    private void comeBack(CustomerHistory customer, Channel ch, long at, int contact) {
        contact(customer, draws.chance(0.5) ? ch : mix.pickInbound(), at, contact + 1);
    }

    /**
     * After everything of the customer's (a parallel contact too): no customer opening follows an
     * outbound conversation, whose role in contacts to resolution is not defined.
     */
    private void outboundFollowUp(CustomerHistory customer, long end, int contact) {
        long after = customer.instants.stream().mapToLong(Long::longValue).max().orElse(end);
        long at = Math.max(end, after) + draws.between(30 * MINUTE, Math.min(DAY, fcrWindowMs / 2));
        run.count("journey.outboundFollowUp");
        new OutboundContact(run, customer, mix.pickOutbound()).plan(at, contact + 1, "outbound.followUp");
    }

    private void comeBackUnresolved(CustomerHistory customer, Channel ch, long end, int contact) {
        if (draws.chance(0.3)) {
            run.count("journey.returnedUnresolved");
            // the channel is drawn before the gap
            Channel next = draws.chance(0.5) ? ch : mix.pickInbound();
            contact(customer, next, end + draws.between(10 * MINUTE, DAY), contact + 1);
        }
    }
}

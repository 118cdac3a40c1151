package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;

/**
 * An agent reaches out: the first event is the agent's message (no FRT, no customer contact for
 * FCR); a call is talked through, a message may get up to two customer replies. Outbound
 * conversations end with a close, never a resolution (docs/kpis.md does not say whether an outbound
 * resolution is an FCR candidate, so the plan does not rely on it).
 */
final class OutboundContact extends ConversationPlan {
    private final CustomerHistory customer;

    OutboundContact(PlanningRun run, CustomerHistory customer, Channel ch) {
        super(run, run.newConversation(customer, ch, true));
        this.customer = customer;
    }

    void plan(long start, int contact, String scenario) {
        long t0 = customer.free(start);
        Channel ch = b.channel();
        String agent = pick(ch == Channel.VOICE ? staff.voiceAgents
                : ch == Channel.EMAIL ? staff.emailAgents : staff.messagingAgents);
        b.agentMessage(t0, agent, true); // opens the conversation and the agent's segment
        if (ch == Channel.VOICE) {
            b.closed(VoiceCall.talk(draws, b, t0));
        } else {
            exchangeMessages(t0, agent);
        }
        b.finish();
        run.record(b, customer.customerId, scenario, true, contact);
    }

    private void exchangeMessages(long t0, String agent) {
        long last = t0;
        for (int round = 0; round < 2 && chance(round == 0 ? 0.7 : 0.4); round++) {
            long cm = b.free(last + logNormal(20 * MINUTE, 1.0, 30 * SECOND, 10 * HOUR));
            b.customerMessage(cm);
            long reply = b.free(cm + logNormal(3 * MINUTE, 1.0, 10 * SECOND, 2 * HOUR));
            b.agentMessage(reply, agent, chance(0.8));
            b.nextResponse(reply, reply - cm);
            last = reply;
        }
        b.closed(next(last, 10 * MINUTE, 4 * HOUR));
    }
}

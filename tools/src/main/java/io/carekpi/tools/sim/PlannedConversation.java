package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.Instant;

/**
 * One conversation (or help-centre session) the simulator planned, for reports and tests.
 *
 * @param scenario what the plan made of it, e.g. {@code voice.answered}, {@code messaging.botContained}
 * @param outbound its first event is an agent message (no FRT, not a customer contact for FCR)
 * @param contact 1 for a customer's first contact, 2 or 3 for the customer coming back
 */
public record PlannedConversation(String conversationId, Channel channel, String customerId, String scenario,
                                  boolean outbound, int contact, Instant openedAt, int events) {}

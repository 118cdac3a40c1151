/**
 * What the engine remembers about one conversation, as small named parts, each a Flink POJO with
 * its own rules: {@link io.carekpi.kpi.conversation.Conversation} (the identity, and the parts),
 * {@link io.carekpi.kpi.conversation.ResponseClocks} (the customer's waits for a reply),
 * {@link io.carekpi.kpi.conversation.HandleSegment} (the open agent segment and its holds),
 * {@link io.carekpi.kpi.conversation.WrapUps}, {@link io.carekpi.kpi.conversation.HandleTotals},
 * {@link io.carekpi.kpi.conversation.Resolution} (resolution, FCR and abandon facts),
 * {@link io.carekpi.kpi.conversation.SlaClockCounters} (the running SLA clocks) and
 * {@link io.carekpi.kpi.conversation.GaugeReport} (what the live gauges were last told).
 *
 * <p>Plain Java, no Flink. The parts know their own state changes; {@code kpi.ConversationTracker}
 * decides which part an event concerns and turns what the parts report into facts, and
 * {@code kpi.SlaClocks} applies the SLA policies to the running clocks.
 */
package io.carekpi.kpi.conversation;

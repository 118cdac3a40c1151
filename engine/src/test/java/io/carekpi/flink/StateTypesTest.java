package io.carekpi.flink;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.Rejection;
import io.carekpi.kpi.ConversationState;
import io.carekpi.kpi.CustomerLedger;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import io.carekpi.kpi.SlaClockState;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.GaugeReport;
import io.carekpi.kpi.conversation.HandleSegment;
import io.carekpi.kpi.conversation.HandleTotals;
import io.carekpi.kpi.conversation.Resolution;
import io.carekpi.kpi.conversation.ResponseClocks;
import io.carekpi.kpi.conversation.RunningSlaClock;
import io.carekpi.kpi.conversation.SlaClockCounters;
import io.carekpi.kpi.conversation.WrapUps;
import org.junit.jupiter.api.Test;

/** State and record types must serialize with Flink's POJO serializer, never Kryo (STYLE 4). */
class StateTypesTest {
    @Test
    @SuppressWarnings("deprecation")
    void stateAndRecordTypesAreSerializedAsPojosWithoutKryo() {
        assertSerializedAsPojoWithoutKryo(Conversation.class);
        assertSerializedAsPojoWithoutKryo(ResponseClocks.class);
        assertSerializedAsPojoWithoutKryo(Resolution.class);
        assertSerializedAsPojoWithoutKryo(HandleSegment.class);
        assertSerializedAsPojoWithoutKryo(WrapUps.class);
        assertSerializedAsPojoWithoutKryo(WrapUps.OpenWrapUp.class);
        assertSerializedAsPojoWithoutKryo(HandleTotals.class);
        assertSerializedAsPojoWithoutKryo(SlaClockCounters.class);
        assertSerializedAsPojoWithoutKryo(RunningSlaClock.class);
        assertSerializedAsPojoWithoutKryo(GaugeReport.class);
        assertSerializedAsPojoWithoutKryo(ConversationState.class); // v1 layout, read by the state migration
        assertSerializedAsPojoWithoutKryo(ConversationState.OpenWrapUp.class); // v1 layout
        assertSerializedAsPojoWithoutKryo(SlaClockState.class); // v1 layout
        assertSerializedAsPojoWithoutKryo(CustomerLedger.class); // its layout in earlier savepoints, read by the migration
        assertSerializedAsPojoWithoutKryo(CustomerSignal.class);
        assertSerializedAsPojoWithoutKryo(KpiFact.class);
        assertSerializedAsPojoWithoutKryo(KpiCounters.class);
        assertSerializedAsPojoWithoutKryo(WindowAccumulator.class);
        assertSerializedAsPojoWithoutKryo(WindowCell.class);
        assertSerializedAsPojoWithoutKryo(io.carekpi.kpi.SeenEvents.class);
        assertSerializedAsPojoWithoutKryo(SeenEvents.class); // v1 layout, read by the state migration
        assertSerializedAsPojoWithoutKryo(Decoded.class);
        assertSerializedAsPojoWithoutKryo(DecodedEvent.class);
        assertSerializedAsPojoWithoutKryo(Rejection.class);
        assertSerializedAsPojoWithoutKryo(EventEnvelope.class); // v1 layout, read by the state migration
    }
}

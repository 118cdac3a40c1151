package io.carekpi.flink;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.carekpi.kpi.ConversationState;
import io.carekpi.kpi.CustomerLedger;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import org.junit.jupiter.api.Test;

/** State and record types must serialize with Flink's POJO serializer, never Kryo (STYLE 4). */
class StateTypesTest {
    @Test
    void stateAndRecordTypesAreSerializedAsPojosWithoutKryo() {
        assertSerializedAsPojoWithoutKryo(ConversationState.class);
        assertSerializedAsPojoWithoutKryo(CustomerLedger.class);
        assertSerializedAsPojoWithoutKryo(CustomerSignal.class);
        assertSerializedAsPojoWithoutKryo(KpiFact.class);
        assertSerializedAsPojoWithoutKryo(KpiCounters.class);
        assertSerializedAsPojoWithoutKryo(WindowAccumulator.class);
        assertSerializedAsPojoWithoutKryo(WindowCell.class);
        assertSerializedAsPojoWithoutKryo(SeenEvents.class);
        assertSerializedAsPojoWithoutKryo(RawEvent.class);
        assertSerializedAsPojoWithoutKryo(Rejected.class);
        assertSerializedAsPojoWithoutKryo(EventEnvelope.class);
    }
}

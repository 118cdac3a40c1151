package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CustomerFunctionTest {
    private static final long H = Duration.ofHours(1).toMillis();

    @Test
    void shouldPostTheVerdictFcrWindowAfterTheResolutionAndThenForgetTheCustomer() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact>(
                new KeyedProcessOperator<>(new CustomerFunction(EngineConfig.defaults())), s -> s.customerId,
                Types.STRING)) {
            harness.open();
            harness.processElement(new StreamRecord<>(CustomerSignal.opened(H, "u1", "c1", H), H));
            harness.processElement(new StreamRecord<>(
                    CustomerSignal.resolved(2 * H, "u1", "c1", H, true, "SMS", "alice", "q1"), 2 * H));
            harness.processWatermark(2 * H);
            assertThat(harness.extractOutputValues()).extracting(f -> f.kind).containsExactly(FactKind.FCR_CANDIDATE);

            harness.processWatermark(2 * H + Duration.ofHours(72).toMillis());
            assertThat(harness.extractOutputValues()).extracting(f -> f.kind)
                    .containsExactly(FactKind.FCR_CANDIDATE, FactKind.FCR_CONFIRMED, FactKind.FINAL_RESOLUTION);
            assertThat(harness.extractOutputValues()).allMatch(f -> f.at == 2 * H && "alice".equals(f.agent));

            harness.processWatermark(Long.MAX_VALUE - 1);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }
}

package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CustomerFunctionTest {
    private static final long H = Duration.ofHours(1).toMillis();

    @Test
    void shouldPostTheVerdictFcrWindowAfterTheResolutionAndThenForgetTheCustomer() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact>(
                new MigratingKeyedProcessOperator<>(new CustomerFunction(EngineConfig.defaults())), s -> s.customerId,
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

            harness.processWatermark(2 * H + Duration.ofHours(73).toMillis());
            assertThat(harness.numKeyedStateEntries()).as("the opening alone, compact").isEqualTo(1);
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRememberedOpeningStillCountsItsPriorContactsWhenItsConversationIsResolvedWeeksLater() throws Exception {
        long day = Duration.ofDays(1).toMillis();
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact>(
                new MigratingKeyedProcessOperator<>(new CustomerFunction(EngineConfig.defaults())), s -> s.customerId,
                Types.STRING)) {
            harness.open();
            send(harness, CustomerSignal.opened(H, "u1", "c0", H));
            send(harness, CustomerSignal.resolved(2 * H, "u1", "c0", H, true, "SMS", "alice", "q1"));
            send(harness, CustomerSignal.opened(3 * H, "u1", "c1", 3 * H)); // a repeat: one prior contact
            send(harness, CustomerSignal.resolved(4 * H, "u1", "c1", 3 * H, true, "SMS", "alice", "q1"));
            harness.processWatermark(10 * day);
            assertThat(harness.numKeyedStateEntries()).as("compact").isEqualTo(1);
            assertThat(harness.numEventTimeTimers()).isZero();
            harness.getOutput().clear();

            send(harness, CustomerSignal.reopened(20 * day, "u1", "c1", 3 * H));
            send(harness, CustomerSignal.resolved(20 * day + H, "u1", "c1", 3 * H, false, "SMS", "bob", "q1"));
            harness.processWatermark(25 * day);
            assertThat(harness.extractOutputValues()).singleElement().satisfies(f -> {
                assertThat(f.kind).isEqualTo(FactKind.FINAL_RESOLUTION);
                assertThat(f.value).as("c0 and c1: the contacts counted at c1's opening").isEqualTo(2);
            });

            harness.processWatermark(3 * H + Duration.ofDays(31).toMillis());
            send(harness, CustomerSignal.opened(3 * H + Duration.ofDays(31).toMillis() + 1, "u1", "c2",
                    3 * H + Duration.ofDays(31).toMillis() + 1));
            harness.processWatermark(3 * H + Duration.ofDays(31).toMillis() + 1);
            assertThat(harness.numKeyedStateEntries()).as("c1's opening forgotten after its retention; c2's kept")
                    .isEqualTo(2); // c2's ledger and its deadline
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact> h,
            CustomerSignal s) throws Exception {
        h.processElement(new StreamRecord<>(s, s.at));
    }
}

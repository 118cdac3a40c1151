package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * State of the customer stage written by an earlier build restores into this one, on either state
 * backend: the committed snapshot ({@link CustomerStageSnapshot#V1}) holds ledgers serialized by
 * Flink's POJO serializer; this build reads them and goes on exactly as a run that was never
 * stopped, and its own snapshot of that state restores again.
 */
class CustomerStateUpgradeTest {
    static Stream<StateBackend> backends() {
        return Stream.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void theEarlierLedgersRestoreAndContinueAsARunThatWasNeverStopped(StateBackend backend) throws Exception {
        // The run that was never stopped, with the classes of this build.
        List<KpiFact> expected;
        try (var h = CustomerStageSnapshot.harness()) {
            h.open();
            CustomerStageSnapshot.feed(h, CustomerStageSnapshot.before());
            h.processWatermark(CustomerStageSnapshot.MIDWAY);
            int before = h.extractOutputValues().size();
            CustomerStageSnapshot.feed(h, CustomerStageSnapshot.after());
            h.processWatermark(Long.MAX_VALUE);
            expected = new ArrayList<>(h.extractOutputValues().subList(before, h.extractOutputValues().size()));
        }
        assertThat(expected).as("verdicts still due after the snapshot")
                .anySatisfy(f -> assertThat(f.kind).isEqualTo(FactKind.FCR_CONFIRMED))
                .anySatisfy(f -> assertThat(f.kind).isEqualTo(FactKind.FCR_LOST))
                .anySatisfy(f -> assertThat(f.kind).isEqualTo(FactKind.FINAL_RESOLUTION));

        OperatorSubtaskState again;
        try (var h = CustomerStageSnapshot.harness()) {
            h.setStateBackend(backend);
            h.setup();
            h.initializeState(OperatorSnapshotUtil.readStateHandle(CustomerStageSnapshot.V1.toString()));
            h.open();
            assertThat(KeyedStates.countKeysUnder(h, "ledger")).as("ledgers restored").isGreaterThanOrEqualTo(3);
            assertThat(KeyedStates.countKeysUnder(h, "rememberedOpenings")).as("a compact ledger restored").isEqualTo(1);
            // half of what came after, then a snapshot of this build, restored below
            List<CustomerSignal> after = CustomerStageSnapshot.after();
            CustomerStageSnapshot.feed(h, after.subList(0, after.size() / 2));
            again = h.snapshot(2L, 2L);
        }
        try (var h = CustomerStageSnapshot.harness()) {
            h.setStateBackend(backend);
            h.setup();
            h.initializeState(again);
            h.open();
            List<CustomerSignal> after = CustomerStageSnapshot.after();
            CustomerStageSnapshot.feed(h, after.subList(after.size() / 2, after.size()));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(expected);
        }
    }
}

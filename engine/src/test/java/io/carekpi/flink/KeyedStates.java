package io.carekpi.flink;

import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.TestableKeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What a test harness's keyed state backend holds, on the heap or in RocksDB. */
final class KeyedStates {
    private KeyedStates() {}

    /** The keys holding state under {@code stateName}, expired entries not yet cleaned up included. */
    static <K> List<K> keysUnder(AbstractStreamOperatorTestHarness<?> harness, String stateName) {
        try (Stream<K> keys = KeyedStates.<K>backend(harness).getKeys(stateName, VoidNamespace.INSTANCE)) {
            return keys.toList();
        }
    }

    /** How many keys hold state under {@code stateName}. */
    static long countKeysUnder(AbstractStreamOperatorTestHarness<?> harness, String stateName) {
        return keysUnder(harness, stateName).size();
    }

    /** Every entry of every keyed state, on either backend (the harness's own count is the heap's only). */
    static int entries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((TestableKeyedStateBackend<?>) backend(harness)).numKeyValueStateEntries();
    }

    @SuppressWarnings("unchecked")
    private static <K> KeyedStateBackend<K> backend(AbstractStreamOperatorTestHarness<?> harness) {
        return (KeyedStateBackend<K>) ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    }
}

package io.carekpi.flink;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

/**
 * Access to an operator's keyed state backend for {@link MigratesKeyedState#migrate}: visits every
 * key holding state under a legacy descriptor, with that key current, so the visitor can read the
 * legacy value, write the current state of the same key and clear the legacy one.
 */
public final class KeyedStateMigration {
    /** Visits one key; the key is the backend's current key, {@code legacy} its legacy state. */
    @FunctionalInterface
    public interface Visitor<S> {
        void visit(S legacy) throws Exception;
    }

    private final KeyedStateBackend<Object> backend;

    @SuppressWarnings("unchecked")
    KeyedStateMigration(KeyedStateBackend<?> backend) {
        this.backend = (KeyedStateBackend<Object>) backend;
    }

    /** The current key's entries of {@code map}, by their long keys, ascending (empty for none). */
    public static long[] sortedKeys(MapState<Long, ?> map) throws Exception {
        return StreamSupport.stream(map.keys().spliterator(), false).mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Visits every key with state under {@code legacy} (nothing when the job did not start from a
     * savepoint that has it). Returns the number of keys visited. The descriptor is registered only
     * when there is something to read.
     */
    public <S extends State> long forEachKey(StateDescriptor<S, ?> legacy, Visitor<S> visitor) throws Exception {
        List<Object> keys;
        try (Stream<Object> stream = backend.getKeys(legacy.getName(), VoidNamespace.INSTANCE)) {
            // Collected first: the visitor clears the state the stream walks.
            keys = stream.collect(Collectors.toList());
        }
        if (keys.isEmpty()) {
            return 0;
        }
        S state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, legacy);
        for (Object key : keys) {
            backend.setCurrentKey(key);
            visitor.visit(state);
        }
        return keys.size();
    }
}

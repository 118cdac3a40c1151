package io.carekpi.flink;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * A {@link KeyedProcessOperator} that, once its function is open, lets the function migrate keyed
 * state restored from an earlier version ({@link MigratesKeyedState}), and that has a function
 * which keeps state changes in memory ({@link WritesBehind}) write them before each snapshot.
 */
public class MigratingKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
    private static final long serialVersionUID = 1L;

    public <F extends KeyedProcessFunction<K, IN, OUT> & MigratesKeyedState> MigratingKeyedProcessOperator(F function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        if (userFunction instanceof WritesBehind w) {
            // The heap backend hands out its stored objects; every other (RocksDB) decodes copies.
            w.bufferWrites(!(getKeyedStateBackend() instanceof HeapKeyedStateBackend));
        }
        super.open();
        ((MigratesKeyedState) userFunction).migrate(new KeyedStateMigration(getKeyedStateBackend()));
    }

    /** Before the keyed state backend snapshots (which follows this call), the kept changes are written. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        if (userFunction instanceof WritesBehind w) {
            w.<K>flush(this::setCurrentKey);
        }
        super.snapshotState(context);
    }
}

package io.carekpi.flink;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * A {@link KeyedProcessOperator} that, once its function is open, lets the function migrate keyed
 * state restored from an earlier version ({@link MigratesKeyedState}).
 */
public class MigratingKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
    private static final long serialVersionUID = 1L;

    public <F extends KeyedProcessFunction<K, IN, OUT> & MigratesKeyedState> MigratingKeyedProcessOperator(F function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        super.open();
        ((MigratesKeyedState) userFunction).migrate(new KeyedStateMigration(getKeyedStateBackend()));
    }
}

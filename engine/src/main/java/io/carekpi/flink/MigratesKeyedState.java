package io.carekpi.flink;

/**
 * A keyed function whose state layout changed between versions: when its operator opens, it
 * converts what a savepoint of an earlier version left under the old state descriptors into the
 * current layout, key by key, once. Run by {@link MigratingKeyedProcessOperator}.
 *
 * <p>Why at open and not on first access: after the restore no per-event code has to look for old
 * state, and no key keeps old state for long because none of its events comes (its timers would
 * otherwise meet state they cannot read).
 */
public interface MigratesKeyedState {

    /** Converts the legacy state of every key; called after the function's {@code open}. */
    void migrate(KeyedStateMigration migration) throws Exception;
}

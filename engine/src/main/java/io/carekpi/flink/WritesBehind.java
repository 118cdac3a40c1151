package io.carekpi.flink;

import java.util.function.Consumer;

/**
 * A keyed function that may keep changed state in memory and write it later, where each state
 * access costs a serialization and a call into the backend (RocksDB). What it keeps must be
 * written before every snapshot, which {@link MigratingKeyedProcessOperator} asks for; between
 * snapshots the function alone reads and writes its state, so reading through what it keeps is
 * enough for its results to be those of writing at once.
 */
public interface WritesBehind {

    /**
     * Called once before the function opens: whether reading state returns a copy decoded from
     * stored bytes (every backend but the heap's: RocksDB), where keeping changes saves reads and
     * writes. On the heap backend reads return the stored objects themselves and a write is a map
     * insertion: nothing to save.
     */
    void bufferWrites(boolean stateReadsAreCopies);

    /** Writes everything kept, key by key, making each key current with {@code setCurrentKey} first. */
    <K> void flush(Consumer<K> setCurrentKey) throws Exception;
}

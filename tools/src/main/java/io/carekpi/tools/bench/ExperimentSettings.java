package io.carekpi.tools.bench;

import org.apache.flink.configuration.Configuration;

/**
 * Experiments with Flink settings the job does not expose: each {@code -Dcarekpi.bench.flink.KEY=VALUE}
 * on the benchmark's {@code java} command line becomes the Flink setting KEY of every job the
 * benchmark starts (e.g. {@code state.backend.rocksdb.timer-service.factory=HEAP}). The tables say
 * nothing of them, so runs with them belong in the notes, not in docs/benchmarks.md.
 */
final class ExperimentSettings {
    static final String PREFIX = "carekpi.bench.flink.";

    private ExperimentSettings() {}

    /** {@code conf} with every experiment setting applied. */
    static Configuration apply(Configuration conf) {
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX))
                .forEach(k -> conf.setString(k.substring(PREFIX.length()), System.getProperty(k)));
        return conf;
    }
}

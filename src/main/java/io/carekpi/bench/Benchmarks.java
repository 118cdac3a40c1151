package io.carekpi.bench;

import io.carekpi.config.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the benchmarks side by side in one JVM and writes docs/benchmarks.md: the single-threaded
 * baseline and the engine at parallelism 1 and 2 over the same in-memory corpus, each repeated.
 * Absolute numbers on a 2-core machine are noisy; the ratios measured in one run are what we track.
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true)
public final class Benchmarks implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "2000000", description = "Corpus size (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--conversations-per-day", defaultValue = "60000")
    int conversationsPerDay;

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions of each measurement.")
    int runs;

    @Option(names = "--rocksdb", description = "Also measure parallelism 2 with the RocksDB state backend.")
    boolean rocksdb;

    @Option(names = "--sla-breaches", defaultValue = "300",
            description = "Breaches timed by the SLA alert latency benchmark (default ${DEFAULT-VALUE}).")
    int slaBreaches;

    @Option(names = "--out", defaultValue = "docs/benchmarks.md")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EngineConfig.Builder b = EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml")).toBuilder();
        b.outOfOrderness = Duration.ofMinutes(10); // the corpus is read in two halves at parallelism 2
        EngineConfig config = b.build();
        long t0 = System.nanoTime();
        byte[][] corpus = Corpus.generate(events, conversationsPerDay, 1);
        System.out.printf("corpus: %,d events in %.1f s%n", corpus.length, (System.nanoTime() - t0) / 1e9);

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            long s = System.nanoTime();
            long facts = new Baseline(config).run(corpus);
            record(rates, "baseline (1 thread, no Flink)", corpus.length, (System.nanoTime() - s) / 1_000_000, facts);
            record(rates, "engine, parallelism 1, heap", corpus.length, EngineThroughput.runMillis(config, 1, "hashmap"), -1);
            record(rates, "engine, parallelism 2, heap", corpus.length, EngineThroughput.runMillis(config, 2, "hashmap"), -1);
            if (rocksdb) {
                record(rates, "engine, parallelism 2, RocksDB", corpus.length,
                        EngineThroughput.runMillis(config, 2, "rocksdb"), -1);
            }
        }
        List<Long> latency = SlaAlertLatency.measure(slaBreaches, 50, Duration.ofMillis(500));
        latency.sort(null);
        System.out.printf(Locale.ROOT, "SLA alert latency: p50 %d ms, p99 %d ms, max %d ms over %d breaches%n",
                pct(latency, 0.5), pct(latency, 0.99), latency.get(latency.size() - 1), latency.size());
        write(rates, corpus.length, latency);
        return 0;
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static void record(Map<String, List<Double>> rates, String name, long n, long millis, long facts) {
        double perSecond = n * 1000.0 / Math.max(1, millis);
        rates.computeIfAbsent(name, k -> new ArrayList<>()).add(perSecond);
        System.out.printf(Locale.ROOT, "%-34s %,12.0f events/s (%d ms)%s%n", name, perSecond, millis,
                facts >= 0 ? String.format(Locale.ROOT, ", %,d facts", facts) : "");
    }

    private void write(Map<String, List<Double>> rates, long n, List<Long> latency) throws IOException {
        double baseline = median(rates.get("baseline (1 thread, no Flink)"));
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmarks\n\n");
        sb.append("Measured by `bin/bench` (").append("`java -cp target/carekpi.jar io.carekpi.bench.Benchmarks --events ")
                .append(events).append(" --runs ").append(runs).append(rocksdb ? " --rocksdb" : "").append("`) on ")
                .append(Instant.now().toString(), 0, 10).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB.\n\n");
        sb.append(String.format(Locale.ROOT, "Corpus: %,d simulated events (%,d conversations a day), Avro "
                + "single-object records in memory; all outputs to discarding sinks. Engine times include job "
                + "start-up (about a second).%n%n", n, conversationsPerDay));
        sb.append("| measurement | min events/s | median | max | median / baseline |\n|---|---:|---:|---:|---:|\n");
        rates.forEach((name, list) -> sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2f |%n",
                name, list.stream().mapToDouble(d -> d).min().orElse(0), median(list),
                list.stream().mapToDouble(d -> d).max().orElse(0), median(list) / baseline)));
        sb.append("\n## SLA alert latency (live mode, local Flink, no Kafka)\n\n");
        sb.append(String.format(Locale.ROOT, "%d first-response breaches (2 s threshold, 50 openings/s stamped with the "
                + "wall clock, `outOfOrderness` 500 ms, watermarks every 100 ms), deadline to arrival at the job's "
                + "output: **p50 %d ms, p90 %d ms, p99 %d ms, max %d ms**. The floor is `outOfOrderness` plus the "
                + "watermark interval.%n%n", latency.size(), pct(latency, 0.5), pct(latency, 0.9), pct(latency, 0.99),
                latency.get(latency.size() - 1)));
        Path notes = Path.of("bench/notes.md");
        if (Files.exists(notes)) {
            sb.append(Files.readString(notes));
        }
        Files.writeString(out, sb.toString());
        System.out.println("wrote " + out);
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }
}

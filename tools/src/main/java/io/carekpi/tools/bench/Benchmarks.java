package io.carekpi.tools.bench;

import io.carekpi.config.Durations;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.jobs.RuntimeSettings;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the benchmarks side by side in one JVM and writes docs/benchmarks.md. Parts:
 * <ul>
 *   <li>{@code throughput}: the single-threaded baseline and the engine at parallelism 1 and 2
 *       (heap; RocksDB at parallelism 2) over the same in-memory corpus, each repeated;</li>
 *   <li>{@code scaling}: the same with {@code --scale} times more conversations a day;</li>
 *   <li>{@code peer}: a Flink SQL implementation of a KPI subset ({@link PeerSql}) against the engine
 *       on the throughput corpus, STREAMING and BATCH;</li>
 *   <li>{@code state}: checkpoint bytes and duration per open conversation;</li>
 *   <li>{@code remembered}: the same per remembered conversation (over, kept for {@code conversationRetention});</li>
 *   <li>{@code sla}: SLA alert latency in a local Flink without Kafka;</li>
 *   <li>{@code e2e} (only with {@code --end-to-end}): freshness and SLA alert latency on a real
 *       Kafka broker and InfluxDB.</li>
 * </ul>
 * Each part replaces its own section of the document (with the command, machine and load that
 * produced it) and keeps the others, so the end-to-end part can be run on its own.
 * Absolute numbers on a 2-core machine are noisy; the ratios measured in one run are what we track.
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true)
public final class Benchmarks implements Callable<Integer> {
    static final List<String> ALL_PARTS = List.of("throughput", "scaling", "peer", "state", "remembered", "incremental", "sla",
            "e2e");

    @Option(names = "--events", defaultValue = "5000000", description = "Corpus size (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--conversations-per-day", defaultValue = "60000")
    int conversationsPerDay;

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions of each measurement.")
    int runs;

    @Option(names = "--rocksdb", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure parallelism 2 with the RocksDB state backend (default on; --no-rocksdb).")
    boolean rocksdb;

    @Option(names = "--rocksdb-events", defaultValue = "0",
            description = "RocksDB is measured over the first N events of the corpus (0, the default: the whole "
                    + "corpus, about two minutes a run on 2 cores since 2026-12-02; 300000 before, when one run "
                    + "over it did not finish in 18 minutes).")
    long rocksdbEvents;

    /** The events of a corpus of {@code n} the RocksDB runs measure: all, or the first {@code --rocksdb-events}. */
    private long rocksdbSpan(long n) {
        return rocksdbEvents > 0 ? Math.min(n, rocksdbEvents) : n;
    }

    @Option(names = "--scale", defaultValue = "10",
            description = "Scaling part: conversations a day multiplied by this (default ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--state-conversations", split = ",", defaultValue = "100000,1000000",
            description = "Open conversations of the state part (default ${DEFAULT-VALUE}).")
    long[] stateConversations;

    @Option(names = "--state-backends", split = ",", defaultValue = "hashmap,rocksdb")
    String[] stateBackends;

    @Option(names = "--state-rocksdb-conversations", split = ",", defaultValue = "100000",
            description = "Open conversations of the state part with RocksDB (default ${DEFAULT-VALUE}; 1M takes "
                    + "minutes: every conversation's facts go through the window stage's RocksDB state).")
    long[] stateRocksdbConversations;

    @Option(names = "--remembered-conversations", split = ",", defaultValue = "100000",
            description = "Remembered conversations of the remembered part, every backend (default ${DEFAULT-VALUE}).")
    long[] rememberedConversations;

    @Option(names = "--incremental-conversations", defaultValue = "1000000",
            description = "Incremental part: open conversations on RocksDB (default ${DEFAULT-VALUE}).")
    long incrementalConversations;

    @Option(names = "--incremental-answered", defaultValue = "10000",
            description = "Incremental part: conversations answered between the two checkpoints (default ${DEFAULT-VALUE}).")
    long incrementalAnswered;

    @Option(names = "--sla-breaches", defaultValue = "300",
            description = "Breaches timed by the SLA alert latency benchmark (default ${DEFAULT-VALUE}).")
    int slaBreaches;

    @Option(names = "--parts", split = ",", defaultValue = "throughput,scaling,peer,state,remembered,incremental,sla",
            description = "Parts to run: throughput, scaling, peer, state, remembered, incremental, sla, e2e "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> parts;

    @Option(names = {"--end-to-end", "e2e"},
            description = "Run only the end-to-end part (a real Kafka broker and InfluxDB; needs influxd).")
    boolean endToEnd;

    @Option(names = "--e2e-rate", defaultValue = "20000", description = "Offered load, events/s (default ${DEFAULT-VALUE}).")
    double e2eRate;

    @Option(names = "--e2e-configurations", split = ",", defaultValue = "shipped,exactly-once",
            description = "End-to-end configurations to run: shipped, exactly-once (default ${DEFAULT-VALUE}).")
    List<String> e2eConfigurations;

    @Option(names = "--e2e-seconds", defaultValue = "60", description = "Measured seconds per configuration.")
    int e2eSeconds;

    @Option(names = "--e2e-warm-up", defaultValue = "180",
            description = "Seconds of full load before the measurement, after the 20 s ramp (default ${DEFAULT-VALUE}).")
    int e2eWarmUp;

    @Option(names = "--out", defaultValue = "docs/benchmarks.md")
    Path out;

    private String command = "bin/bench";
    private long lastFacts;
    private long lastGroupedFacts;
    /** The throughput part's corpus, reused by the peer part while it is still the current one. */
    private byte[][] throughputCorpus;

    public static void main(String[] args) {
        Benchmarks b = new Benchmarks();
        b.command = ("bin/bench " + String.join(" ", args)).strip();
        System.exit(new CommandLine(b).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> run = endToEnd ? List.of("e2e") : parts;
        for (String p : run) {
            if (!ALL_PARTS.contains(p)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown part " + p + ", one of " + ALL_PARTS);
            }
        }
        if (run.contains("e2e")) {
            EndToEnd.requireInfluxd(); // fail before anything else runs
        }
        EngineConfig corpusConfig = corpusConfig();
        // each part is written as soon as it is measured, so a long run keeps what it has
        if (run.contains("throughput")) {
            write("throughput", throughput(corpusConfig, conversationsPerDay, true));
        }
        if (run.contains("peer")) {
            write("peer", peer(corpusConfig));
        }
        if (run.contains("scaling")) {
            write("scaling", scaling(corpusConfig));
        }
        if (run.contains("state")) {
            write("state", state());
        }
        if (run.contains("remembered")) {
            write("remembered", remembered());
        }
        if (run.contains("incremental")) {
            write("incremental", incremental());
        }
        if (run.contains("sla")) {
            write("sla", sla());
        }
        if (run.contains("e2e")) {
            write("e2e", endToEnd());
        }
        return 0;
    }

    /** The shipped configuration, with the bound the corpus needs: it is read in two halves at parallelism 2. */
    static EngineConfig corpusConfig() throws java.io.IOException {
        EngineConfig.Builder b = EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml")).toBuilder();
        b.outOfOrderness = Duration.ofMinutes(10);
        return b.build();
    }

    // --- throughput ------------------------------------------------------------------------------

    private Map<String, List<Double>> rates(EngineConfig config, long n, boolean withRocksDb) throws Exception {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            long s = System.nanoTime();
            Baseline baseline = new Baseline(config);
            long facts = baseline.run(Corpus.records);
            lastFacts = facts;
            lastGroupedFacts = baseline.groupedFacts();
            record(rates, "baseline (1 thread, no Flink)", n, (System.nanoTime() - s) / 1_000_000, facts);
            record(rates, "engine, parallelism 1, heap", n, EngineThroughput.runMillis(config, 1, "hashmap"), -1);
            record(rates, "engine, parallelism 2, heap", n, EngineThroughput.runMillis(config, 2, "hashmap"), -1);
            if (withRocksDb) {
                long m = rocksdbSpan(n);
                String label = m < n ? String.format(Locale.ROOT, "engine, parallelism 2, RocksDB (first %,d events)", m)
                        : "engine, parallelism 2, RocksDB";
                record(rates, label, m, EngineThroughput.runMillis(config, 2, "rocksdb", m), -1);
            }
        }
        return rates;
    }

    private String throughput(EngineConfig config, int perDay, boolean withRocksDb) throws Exception {
        String before = loadAverage();
        long t0 = System.nanoTime();
        byte[][] corpus = Corpus.generate(events, perDay, 1);
        throughputCorpus = corpus;
        System.out.printf(Locale.ROOT, "corpus: %,d events, %,d conversations a day, in %.1f s%n", corpus.length, perDay,
                (System.nanoTime() - t0) / 1e9);
        Map<String, List<Double>> rates = rates(config, corpus.length, withRocksDb && rocksdb);
        StringBuilder sb = new StringBuilder("## Throughput\n\n");
        sb.append(header(before));
        sb.append(String.format(Locale.ROOT, "Corpus: %,d simulated events (%,d conversations a day), Avro "
                + "single-object records in memory; all outputs to discarding sinks. Engine times include job "
                + "start-up and the end-of-input flush. %d runs of each%s.%n%n", corpus.length, perDay, runs,
                withRocksDb && rocksdb && rocksdbSpan(corpus.length) < corpus.length ? String.format(Locale.ROOT,
                        "; RocksDB over the first %,d events only (`--rocksdb-events`, see the notes), so its ratio "
                        + "compares rates over different spans of the corpus", rocksdbEvents) : ""));
        sb.append(table(rates)).append(fanOut(corpus.length, config.windows.size()));
        return sb.toString();
    }

    /** What the window stage receives, counted by the baseline over the same corpus. */
    private String fanOut(long n, int sizes) {
        return String.format(Locale.ROOT, "%nFan-out, counted by the baseline over this corpus: %,d KPI facts (%.2f per "
                + "event) become %,d grouped copies (%.2f per event, %.2f per fact) keyed into the window stage; the "
                + "`all` grouping receives %,d of them (%.0f%%), all on one subtask whatever the parallelism, and "
                + "each copy updates one accumulator per window size (%d sizes).%n%n", lastFacts,
                (double) lastFacts / n, lastGroupedFacts, (double) lastGroupedFacts / n,
                (double) lastGroupedFacts / lastFacts, lastFacts, 100.0 * lastFacts / lastGroupedFacts, sizes);
    }

    private String scaling(EngineConfig config) throws Exception {
        String before = loadAverage();
        int perDay = conversationsPerDay * scale;
        long t0 = System.nanoTime();
        byte[][] corpus = Corpus.generate(events, perDay, 1);
        System.out.printf(Locale.ROOT, "scaled corpus: %,d events, %,d conversations a day, in %.1f s%n",
                corpus.length, perDay, (System.nanoTime() - t0) / 1e9);
        Map<String, List<Double>> rates = rates(config, corpus.length, false);
        StringBuilder sb = new StringBuilder("## Scaling: " + scale + "x conversations a day\n\n");
        sb.append(header(before));
        sb.append(String.format(Locale.ROOT, "Corpus: %,d events with %,d conversations a day (%dx the throughput "
                + "corpus): %d independently simulated days of %,d conversations overlaid on the same day, cut where "
                + "the corpus reaches its size, so the same number of events spans %dx fewer hours and %dx as many "
                + "conversations are open at any instant. %d runs of each. Compare with the throughput table "
                + "(same events, same machine); state as conversations grow 10x is in the next section.%n%n",
                corpus.length, perDay, scale, (perDay + Corpus.MAX_SIMULATED_PER_DAY - 1) / Corpus.MAX_SIMULATED_PER_DAY,
                perDay / ((perDay + Corpus.MAX_SIMULATED_PER_DAY - 1) / Corpus.MAX_SIMULATED_PER_DAY), scale, scale, runs));
        sb.append(table(rates)).append(fanOut(corpus.length, config.windows.size()));
        Corpus.records = new byte[0][];
        return sb.toString();
    }

    // --- the Flink SQL peer -----------------------------------------------------------------------

    private String peer(EngineConfig config) throws Exception {
        String before = loadAverage();
        byte[][] corpus = throughputCorpus != null && Corpus.records == throughputCorpus ? throughputCorpus : null;
        if (corpus == null) {
            long t0 = System.nanoTime();
            corpus = Corpus.generate(events, conversationsPerDay, 1);
            System.out.printf(Locale.ROOT, "corpus: %,d events, %,d conversations a day, in %.1f s%n", corpus.length,
                    conversationsPerDay, (System.nanoTime() - t0) / 1e9);
        }
        long n = corpus.length;
        long m = rocksdbSpan(n);
        String spanLabel = m < n ? String.format(Locale.ROOT, " (first %,d events)", m) : "";
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        String peerHeap = "peer (Flink SQL), parallelism 2, heap";
        String engineHeap = "CareKPI engine, parallelism 2, heap";
        String peerRocks = "peer (Flink SQL), parallelism 2, RocksDB" + spanLabel;
        String engineRocks = "CareKPI engine, parallelism 2, RocksDB" + spanLabel;
        String peerBatch = "peer (Flink SQL), BATCH, parallelism 2";
        String replay = "CareKPI `Replay`, parallelism 2";
        Path tmp = Files.createTempDirectory("carekpi-peer");
        try {
            Path file = tmp.resolve("corpus.avro");
            PeerSql.writeCorpus(corpus, file);
            for (int r = 0; r < runs; r++) {
                record(rates, peerHeap, n, PeerSql.streamingMillis(config.outOfOrderness, 2, "hashmap", n), -1);
                record(rates, engineHeap, n, EngineThroughput.runMillis(config, 2, "hashmap"), -1);
                if (rocksdb) {
                    record(rates, peerRocks, m, PeerSql.streamingMillis(config.outOfOrderness, 2, "rocksdb", m), -1);
                    record(rates, engineRocks, m, EngineThroughput.runMillis(config, 2, "rocksdb", m), -1);
                }
                long peerMillis = PeerSql.batchMillis(file, 2, tmp.resolve("peer-rows.txt"));
                seconds.computeIfAbsent(peerBatch, k -> new ArrayList<>()).add(peerMillis / 1000.0);
                long replayMillis = PeerSql.replayMillis(file, 2, tmp.resolve("replay"), config);
                seconds.computeIfAbsent(replay, k -> new ArrayList<>()).add(replayMillis / 1000.0);
                System.out.printf(Locale.ROOT, "batch: peer %,d ms, replay %,d ms%n", peerMillis, replayMillis);
            }
        } finally {
            io.carekpi.io.FileTrees.deleteRecursively(tmp);
        }
        StringBuilder sb = new StringBuilder("## A peer in the same run: the KPIs in Flink SQL\n\n");
        sb.append(header(before));
        sb.append(String.format(Locale.ROOT, "What a user who does not pick CareKPI writes: `PeerSql` runs "
                + "`tools/src/main/resources/io/carekpi/tools/bench/peer-kpis.sql` (Flink SQL on a table from the "
                + "decoded corpus with an event-time attribute and a watermark `outOfOrderness` behind: ROW_NUMBER "
                + "dedup keeping an event id's first copy, an OVER aggregation per conversation in event-time order, "
                + "TUMBLE windows of 1h and 1d per channel and for all channels; state TTL %s, as long as CareKPI "
                + "remembers a conversation). It computes a subset of CareKPI's fields: opened, first_responses, "
                + "frt_sum_ms, frt_max_ms, resolved, resolution_sum_ms, for 1h and 1d windows, per channel and all "
                + "channels, with no agent or queue grouping, no SLA clocks, gauges, summaries, late output or 1m "
                + "windows (`PeerSqlTest` checks those figures equal the replay's on a simulated day). CareKPI runs "
                + "its full topology (`EngineThroughput`, as in the throughput table): every KPI field, 1m, 1h and "
                + "1d windows per channel, agent and queue, SLA clocks, gauges, summaries. So the ratio is what "
                + "CareKPI's full output costs against the subset's, not the same work done twice.%n%n"
                + "Corpus: the throughput part's, %,d events (%,d conversations a day), decoded by the engine's live "
                + "decoder in both; every output to a discarding sink; times include job start-up (and the peer's "
                + "SQL planning). %d runs of each, the two interleaved%s. RocksDB as the engine's runs set it up "
                + "(shipped LZ4, bloom filters and, in this local environment, 1g of managed memory).%n%n",
                Durations.format(PeerSql.STATE_TTL), n,
                conversationsPerDay, runs, m < n ? String.format(Locale.ROOT, "; RocksDB over the first %,d events "
                        + "only (`--rocksdb-events`, as in the throughput table)", m) : ""));
        sb.append("| measurement | min events/s | median | max | CareKPI / peer (medians) |\n|---|---:|---:|---:|---:|\n");
        String[][] pairs = rocksdb ? new String[][] {{peerHeap, engineHeap}, {peerRocks, engineRocks}}
                : new String[][] {{peerHeap, engineHeap}};
        for (String[] pair : pairs) {
            double peerMedian = median(rates.get(pair[0]));
            for (String name : pair) {
                List<Double> list = rates.get(name);
                sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %s |%n", name,
                        list.stream().mapToDouble(d -> d).min().orElse(0), median(list),
                        list.stream().mapToDouble(d -> d).max().orElse(0), name.equals(pair[1])
                                ? String.format(Locale.ROOT, "%.2f", median(list) / peerMedian) : ""));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nBATCH: the same corpus written to an Avro file (%,d events); the peer "
                + "reads it with the replay's file source and decoder, runs the same SQL in BATCH mode and writes its "
                + "rows to a file; `Replay` (what `carekpi replay` runs) writes all its output files (`kpis.jsonl` "
                + "with 1m, 1h and 1d rows per channel, agent and queue, `sla.jsonl`, `conversations.jsonl`, "
                + "`rejected.jsonl`, `late.jsonl`), merged and sorted after the job.%n%n", n));
        sb.append("| measurement | min s | median | max | Replay / peer (medians) |\n|---|---:|---:|---:|---:|\n");
        double peerSeconds = median(seconds.get(peerBatch));
        for (String name : List.of(peerBatch, replay)) {
            List<Double> list = seconds.get(name);
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s |%n", name,
                    list.stream().mapToDouble(d -> d).min().orElse(0), median(list),
                    list.stream().mapToDouble(d -> d).max().orElse(0),
                    name.equals(replay) ? String.format(Locale.ROOT, "%.2f", median(list) / peerSeconds) : ""));
        }
        sb.append('\n');
        return sb.toString();
    }

    private static String table(Map<String, List<Double>> rates) {
        double baseline = median(rates.get("baseline (1 thread, no Flink)"));
        StringBuilder sb = new StringBuilder();
        sb.append("| measurement | min events/s | median | max | median / baseline |\n|---|---:|---:|---:|---:|\n");
        rates.forEach((name, list) -> sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2f |%n",
                name, list.stream().mapToDouble(d -> d).min().orElse(0), median(list),
                list.stream().mapToDouble(d -> d).max().orElse(0), median(list) / baseline)));
        return sb.toString();
    }

    private static void record(Map<String, List<Double>> rates, String name, long n, long millis, long facts) {
        double perSecond = n * 1000.0 / Math.max(1, millis);
        rates.computeIfAbsent(name, k -> new ArrayList<>()).add(perSecond);
        System.out.printf(Locale.ROOT, "%-34s %,12.0f events/s (%d ms)%s%n", name, perSecond, millis,
                facts >= 0 ? String.format(Locale.ROOT, ", %,d facts", facts) : "");
    }

    // --- state per open and per remembered conversation ------------------------------------------

    /** One state measurement: conversations, backend and parallelism to its result. */
    @FunctionalInterface
    private interface StateMeasurement {
        StateCheckpoint.Result measure(EngineConfig config, long n, String backend, int parallelism) throws Exception;
    }

    /** Runs a state measurement for each backend and size: heap at parallelism 1 and 2, RocksDB at 2. */
    private List<StateCheckpoint.Result> stateRuns(String kind, StateMeasurement m, long[] heapSizes, long[] rocksdbSizes)
            throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml"));
        List<StateCheckpoint.Result> results = new ArrayList<>();
        for (String backend : stateBackends) {
            for (long n : "rocksdb".equals(backend) ? rocksdbSizes : heapSizes) {
                // RocksDB at parallelism 2 only, as in the throughput table (it is the slow one)
                for (int p : "rocksdb".equals(backend) ? new int[] {2} : new int[] {1, 2}) {
                    StateCheckpoint.Result r = m.measure(config, n, backend, p);
                    System.out.printf(Locale.ROOT, "state: %s p%d %,d %s: %,d bytes (%.0f B each), on disk %,d, "
                                    + "checkpoint %d ms; by operator %s; canonical savepoint %,d bytes (%.0f B each), "
                                    + "by operator %s%n", backend, p, n, kind,
                            r.checkpoint().stateSize(), r.bytesPerConversation(), r.bytesOnDisk(),
                            r.checkpoint().durationMs(), r.checkpoint().stateSizeByVertex(), r.canonical().stateSize(),
                            r.canonicalBytesPerConversation(), r.canonical().stateSizeByVertex());
                    results.add(r);
                }
            }
        }
        return results;
    }

    private String state() throws Exception {
        return stateSection("open", OpenConversationState::measure, stateConversations, stateRocksdbConversations,
                "The live topology (shipped `jobs/kpi-engine/config.yaml`) opens N conversations, one first "
                + "`CUSTOMER_MESSAGE` each (stamped with the wall clock, spread over the 10 channels and 4 queues, one "
                + "customer each), never answered nor closed; when the job's live gauges count all N waiting, a full "
                + "checkpoint is triggered through Flink's REST API (`POST /jobs/:id/checkpoints`) with filesystem "
                + "checkpoint storage in a temporary directory. *State* is `state_size` of "
                + "`/jobs/:id/checkpoints/details/:cp` (Flink's own figure for the whole state in the checkpoint); "
                + "*on disk* is every file of the checkpoint directory; *duration* is the checkpoint's "
                + "`end_to_end_duration`. Operator chaining is off in this benchmark so that Flink reports the state "
                + "of each operator separately. *Live entries* is `state_size` of a savepoint in Flink's canonical "
                + "format taken right after the checkpoint (`POST /jobs/:id/savepoints`, `formatType` `CANONICAL`): "
                + "the live state entries only, in Flink's serialized form, whatever the backend. With RocksDB the "
                + "checkpoint copies RocksDB's files as they are, which may still hold overwritten values and "
                + "deletions not compacted yet (see the notes). Target: at most 1 KiB (1,024 bytes) per open "
                + "conversation.\n\n",
                "time to open them");
    }

    private String remembered() throws Exception {
        return stateSection("remembered", RememberedConversationState::measure, rememberedConversations,
                rememberedConversations, REMEMBERED_METHOD, "time to set them up");
    }

    private String incremental() throws Exception {
        String before = loadAverage();
        List<OpenConversationState.Incremental> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            OpenConversationState.Incremental i = OpenConversationState.measureIncremental(
                    EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml")), incrementalConversations,
                    incrementalAnswered, 2, Duration.ofMinutes(30));
            System.out.printf(Locale.ROOT, "incremental: %,d open, first checkpoint %,d ms (%,d bytes uploaded), "
                            + "%,d answered in %,d ms, incremental checkpoint %,d ms (%,d bytes uploaded of %,d)%n",
                    i.conversations(), i.first().durationMs(), i.first().checkpointedSize(), i.answered(),
                    i.answersMillis(), i.second().durationMs(), i.second().checkpointedSize(), i.second().stateSize());
            results.add(i);
        }
        StringBuilder sb = new StringBuilder("## Incremental checkpoint, RocksDB\n\n").append(header(before));
        sb.append("The live topology (shipped `jobs/kpi-engine/config.yaml`, RocksDB as `carekpi run --state-backend "
                + "rocksdb` sets it up, incremental checkpoints, parallelism 2, chaining off) opens N conversations "
                + "as in the state part and, when the gauges count them all waiting, takes a first checkpoint through "
                + "the REST API (`checkpointType` `CONFIGURED`, incremental as configured; the first after a start uploads every file). Then A "
                + "conversations spread over all get their first `AGENT_MESSAGE` (conversation, gauge, SLA clock and "
                + "window state change) and, once the gauges count them answered, a second incremental checkpoint "
                + "is taken. *Duration* is `end_to_end_duration`, *uploaded* `checkpointed_size`, *state* "
                + "`state_size` (the whole state the checkpoint stands for). Target: the incremental checkpoint with "
                + "1M open conversations under 5 s.\n\n");
        sb.append("| open conversations | answered between | time to open them | first checkpoint | uploaded | "
                + "answers in | **incremental checkpoint** | uploaded | state |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (OpenConversationState.Incremental i : results) {
            sb.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f s | %,d ms | %,d | %.1f s | **%,d ms** | %,d | %,d |%n",
                    i.conversations(), i.answered(), i.setupMillis() / 1000.0, i.first().durationMs(),
                    i.first().checkpointedSize(), i.answersMillis() / 1000.0, i.second().durationMs(),
                    i.second().checkpointedSize(), i.second().stateSize()));
        }
        return sb.append('\n').toString();
    }

    /** The section "State per {kind} conversation": the method, then the figures of every backend and size. */
    private String stateSection(String kind, StateMeasurement m, long[] heapSizes, long[] rocksdbSizes, String method,
                                String setup) throws Exception {
        String before = loadAverage();
        List<StateCheckpoint.Result> results = stateRuns(kind, m, heapSizes, rocksdbSizes);
        return "## State per " + kind + " conversation\n\n" + header(before) + method
                + stateTables(results, kind, setup);
    }

    /** How the remembered-conversation state is measured (also in docs/benchmarks.md until its first run). */
    static final String REMEMBERED_METHOD = "Conversations are remembered `conversationRetention` (30 days) after "
            + "their last event (docs/kpis.md). The live topology, as for the open conversations above, reads N "
            + "conversations that each lived a short life "
            + RememberedConversationState.AGE.toDays() + " days ago, one event a minute: `CONVERSATION_OPENED` "
            + "(customer, queue), `CUSTOMER_MESSAGE`, `AGENT_ASSIGNED`, `AGENT_MESSAGE`, `CUSTOMER_MESSAGE`, "
            + "`AGENT_MESSAGE`, `RESOLVED`, `CONVERSATION_CLOSED`, `SURVEY_RESPONSE` (CSAT), spread over the 10 "
            + "channels and 4 queues, one customer each (generated in rounds, stamped "
            + RememberedConversationState.AGE.toDays() + " days before the wall clock "
            + "plus a minute per round, so nothing is late); then one conversation opens now (`CUSTOMER_MESSAGE`), "
            + "which moves the watermark "
            + RememberedConversationState.AGE.toDays() + " days on, past every window's `kpiRetention`, FCR verdict (`fcrWindow`) "
            + "and SLA clock of the others. The full checkpoint is triggered when every old conversation has "
            + "emitted its summary at close, the watermark leaving the window stage (the last stage: a watermark "
            + "leaves an operator only after the timers it triggers have fired) has reached the instant the job "
            + "started, and the live gauges count the one new conversation waiting. What is left is what the "
            + "engine keeps per remembered conversation: its conversation state, its event ids, the customer "
            + "stage's record of its opening, and their timers (plus the new conversation and a few keys of "
            + "windows and gauges, shared by all). Columns as above; with RocksDB the checkpoint also holds what "
            + "RocksDB has not compacted yet of the conversations' earlier values and of the deleted windows, "
            + "verdicts and timers, the canonical savepoint only what is live. Targets: at most 256 bytes per "
            + "remembered conversation on the heap backend, 128 on RocksDB.\n\n";

    private static String stateTables(List<StateCheckpoint.Result> results, String kind, String setup) {
        StringBuilder sb = new StringBuilder();
        sb.append("| backend | parallelism | ").append(kind).append(" conversations | state bytes | bytes / conversation "
                + "| on disk | checkpoint duration | ").append(setup).append(" | live entries / conversation (canonical "
                + "savepoint) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StateCheckpoint.Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | **%,.0f** | %,d | %,d ms | %.1f s | %,.0f |%n",
                    r.backend(), r.parallelism(), r.conversations(), r.checkpoint().stateSize(),
                    r.bytesPerConversation(), r.bytesOnDisk(), r.checkpoint().durationMs(), r.setupMillis() / 1000.0,
                    r.canonicalBytesPerConversation()));
        }
        sb.append("\nState by operator (bytes per ").append(kind).append(" conversation; for RocksDB also the "
                + "canonical savepoint's):\n\n");
        // one column per checkpoint, and for RocksDB one for its canonical savepoint
        List<String> names = new ArrayList<>();
        List<StateCheckpoint.Result> of = new ArrayList<>();
        List<FlinkRest.Checkpoint> columns = new ArrayList<>();
        for (StateCheckpoint.Result r : results) {
            String name = String.format(Locale.ROOT, "%s p%d %s", r.backend(), r.parallelism(),
                    r.conversations() >= 1_000_000 ? r.conversations() / 1_000_000 + "M" : r.conversations() / 1_000 + "k");
            names.add(name);
            of.add(r);
            columns.add(r.checkpoint());
            if ("rocksdb".equals(r.backend())) {
                names.add(name + " canonical");
                of.add(r);
                columns.add(r.canonical());
            }
        }
        List<String> operators = new ArrayList<>();
        columns.forEach(c -> c.stateSizeByVertex().keySet().forEach(k -> {
            if (!operators.contains(k)) {
                operators.add(k);
            }
        }));
        sb.append("| operator |");
        names.forEach(n -> sb.append(' ').append(n).append(" |"));
        sb.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
        for (String op : operators) {
            if (columns.stream().noneMatch(c -> c.stateSizeByVertex().getOrDefault(op, 0L) > 0)) {
                continue;
            }
            sb.append("| ").append(op.replace("|", "\\|")).append(" |");
            for (int i = 0; i < columns.size(); i++) {
                sb.append(String.format(Locale.ROOT, " %,.0f |",
                        (double) columns.get(i).stateSizeByVertex().getOrDefault(op, 0L) / of.get(i).conversations()));
            }
            sb.append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    // --- SLA alert latency without Kafka ---------------------------------------------------------

    private String sla() throws Exception {
        String before = loadAverage();
        List<Long> latency = SlaAlertLatency.measure(slaBreaches, 50, Duration.ofMillis(500));
        latency.sort(null);
        System.out.printf(Locale.ROOT, "SLA alert latency: p50 %d ms, p99 %d ms, max %d ms over %d breaches%n",
                pct(latency, 0.5), pct(latency, 0.99), latency.get(latency.size() - 1), latency.size());
        return "## SLA alert latency (live mode, local Flink, no Kafka)\n\n" + header(before)
                + String.format(Locale.ROOT, "%d first-response breaches (2 s threshold, 50 openings/s stamped with the "
                + "wall clock, `outOfOrderness` 500 ms, watermarks every 100 ms), deadline to arrival at the job's "
                + "output: **p50 %d ms, p90 %d ms, p99 %d ms, max %d ms**. The floor is `outOfOrderness` plus the "
                + "watermark interval.%n%n", latency.size(), pct(latency, 0.5), pct(latency, 0.9), pct(latency, 0.99),
                latency.get(latency.size() - 1));
    }

    // --- end to end ----------------------------------------------------------------------------

    private String endToEnd() throws Exception {
        String before = loadAverage();
        // As shipped: what `carekpi run` does given no options, with jobs/kpi-engine/config.yaml.
        RuntimeSettings shipped = RuntimeSettings.defaults();
        DeliveryGuarantee shippedDelivery = KafkaSettings.shippedDelivery();
        Duration shippedEarlyFiring = EngineConfig.load(Path.of("jobs/kpi-engine/config.yaml")).earlyFiringInterval;
        Duration exactlyOnceCheckpoints = Duration.ofSeconds(2); // exactly-once output is visible once per checkpoint
        java.util.function.Function<Duration, String> settings = checkpoints -> String.format(Locale.ROOT,
                "checkpoints every %s, early firing every %s, InfluxDB buffer %s", Durations.format(checkpoints),
                Durations.format(shippedEarlyFiring), Durations.format(shipped.influxMaxTimeInBuffer));
        Map<String, EndToEnd.Settings> known = Map.of(
                "shipped", new EndToEnd.Settings("as shipped: " + delivery(shippedDelivery) + ", "
                        + settings.apply(RuntimeSettings.SHIPPED_CHECKPOINT_INTERVAL),
                        e2eRate, Duration.ofSeconds(e2eWarmUp), Duration.ofSeconds(e2eSeconds), Duration.ofMillis(250),
                        RuntimeSettings.SHIPPED_CHECKPOINT_INTERVAL, shippedDelivery, null, shipped.influxMaxTimeInBuffer, 2),
                "exactly-once", new EndToEnd.Settings("the alternative, `--delivery EXACTLY_ONCE --checkpoint-interval "
                        + Durations.format(exactlyOnceCheckpoints) + "`: exactly-once, "
                        + settings.apply(exactlyOnceCheckpoints),
                        e2eRate, Duration.ofSeconds(e2eWarmUp), Duration.ofSeconds(e2eSeconds), Duration.ofMillis(250),
                        exactlyOnceCheckpoints, DeliveryGuarantee.EXACTLY_ONCE, null,
                        shipped.influxMaxTimeInBuffer, 2));
        List<EndToEnd.Settings> configurations = new ArrayList<>();
        for (String name : e2eConfigurations) {
            EndToEnd.Settings s = known.get(name);
            if (s == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--e2e-configurations: unknown configuration '" + name + "' (known: shipped, exactly-once)");
            }
            configurations.add(s);
        }
        List<EndToEnd.Result> results = new ArrayList<>();
        for (EndToEnd.Settings s : configurations) {
            EndToEnd.Result r = EndToEnd.run(s);
            System.out.printf(Locale.ROOT, "e2e %s: %,.0f events/s offered, backlog %,d, %d probes, late %,d (%d probes); "
                    + "care.kpi %s; InfluxDB %s; care.sla %s; care.queue %s%n", s.name(), r.achievedRate(), r.backlog(),
                    r.probes(), r.lateEvents(), r.lateProbes(), summary(r.kafkaFreshness()), summary(r.influxFreshness()),
                    summary(r.slaLatency()), summary(r.gaugeFreshness()));
            System.out.printf(Locale.ROOT, "    output records/s %s; CPU share of the machine %s%n", r.outputRates(), r.cpu());
            results.add(r);
        }
        StringBuilder sb = new StringBuilder("## End to end (real Kafka broker and InfluxDB)\n\n");
        sb.append(header(before));
        sb.append(String.format(Locale.ROOT, "A KRaft Kafka broker (`LocalKafkaBroker`, `care.events` with 4 partitions), "
                + "InfluxDB 1.x (`bin/influxdb start`) and the live job (`LiveJob` with the InfluxDB sinks, set up by "
                + "`RuntimeSettings` as `carekpi run` does: heap state, parallelism 2, shipped "
                + "`jobs/kpi-engine/config.yaml`, `outOfOrderness` %s) in a local Flink, all on this machine. Offered "
                + "load: simulated conversations re-stamped with the wall clock as they are sent, %,.0f events/s, "
                + "a 20 s ramp, %d s of warm-up at the full rate, then %d s measured. *Freshness* probes: at random instants (exponential gaps, "
                + "mean 250 ms) one conversation opens on WEB_CHAT in the queue `bench-probe` that nothing else "
                + "uses, stamped with its send time; probe k is *visible* when the `opened` count of that row (1d "
                + "window, all agents) reaches k+1 — on `care.kpi` for a `read_committed` consumer, and in InfluxDB "
                + "polled every %d ms. *SLA alert latency*: the probe queue's policy is a 2 s first response nobody "
                + "meets; the arrival of each BREACHED record on `care.sla` (`read_committed`) minus its deadline. "
                + "*Live gauge*: probe k is visible when the `waiting` count of (WEB_CHAT, `bench-probe`) on "
                + "`care.queue` reaches k+1 (every probe's customer waits for a first response). "
                + "Target: p99 ≤ 1 s each.%n%n", results.get(0).outOfOrderness(), e2eRate, e2eWarmUp, e2eSeconds,
                EndToEnd.INFLUX_POLL_MS));
        sb.append("*Backlog*: events of `care.events` the job's source had not yet fetched at the end of the "
                + "measurement (Flink's `pendingRecords` of the Kafka source, summed over its subtasks, read over "
                + "the REST API; until 2026-11-30 the consumer group's committed offsets, which lag by up to one "
                + "checkpoint interval even when the job keeps up).\n\n");
        sb.append("*Late*: records the job sent to the late output (`care.dlq`, kind `late`) over the whole run, "
                + "and the probes among them (a late probe is never visible nor breached: \"never seen\").\n\n");
        sb.append("*CPU share*: each process's user and system CPU time over the measured window, as a share of "
                + "the machine (1.0 = every core busy): the JVM holding the job, the load generator and the "
                + "benchmark's consumers; the Kafka broker; InfluxDB. *Output*: records per second written to "
                + "`care.kpi` over the window.\n\n");
        sb.append("| configuration | offered events/s | backlog at the end | probes | late (probes) | KPI on care.kpi "
                + "p50 / p99 / max | KPI in InfluxDB p50 / p99 / max | BREACHED on care.sla p50 / p99 / max "
                + "| waiting gauge on care.queue p50 / p99 / max | CPU share: JVM / broker / InfluxDB "
                + "| care.kpi records/s |\n"
                + "|---|---:|---:|---:|---:|---|---|---|---|---|---:|\n");
        for (EndToEnd.Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %d | %,d (%d) | %s | %s | %s | %s | %s | %,.0f |%n",
                    r.settings().name(), r.achievedRate(),
                    r.backlog() < 0 ? "not reported" : String.format(Locale.ROOT, "%,d", r.backlog()), r.probes(), r.lateEvents(), r.lateProbes(),
                    summary(r.kafkaFreshness()), summary(r.influxFreshness()), summary(r.slaLatency()),
                    summary(r.gaugeFreshness()),
                    r.cpu().values().stream().map(v -> String.format(Locale.ROOT, "%.2f", v))
                            .collect(java.util.stream.Collectors.joining(" / ")),
                    r.outputRates().get(KafkaSettings.KPI)));
        }
        sb.append('\n');
        return sb.toString();
    }

    private static String delivery(DeliveryGuarantee g) {
        return g == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : g == DeliveryGuarantee.AT_LEAST_ONCE
                ? "at-least-once" : g.toString();
    }

    private static String summary(List<Long> latencies) {
        List<Long> s = new ArrayList<>(latencies);
        s.sort(null);
        long missing = s.stream().filter(v -> v == Long.MAX_VALUE).count();
        return String.format(Locale.ROOT, "%s / %s / %s ms%s", ms(pct(s, 0.5)), ms(pct(s, 0.99)), ms(s.get(s.size() - 1)),
                missing > 0 ? " (" + missing + " never seen)" : "");
    }

    private static String ms(long v) {
        return v == Long.MAX_VALUE ? "∞" : String.format(Locale.ROOT, "%,d", v);
    }

    // --- the document --------------------------------------------------------------------------

    private String header(String loadBefore) throws IOException {
        return String.format(Locale.ROOT, "Measured by `%s` on %s; %s; load average (1, 5, 15 min) %s at the start, "
                + "%s at the end.%n%n", command, Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC",
                machine(), loadBefore, loadAverage());
    }

    static String machine() throws IOException {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        }
        String mem = "";
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            mem = Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, ", %.0f GiB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)).findFirst().orElse("");
        }
        return String.format(Locale.ROOT, "%d cores (%s)%s, Java %s, max heap %,d MiB",
                Runtime.getRuntime().availableProcessors(), cpu, mem, System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        if (!Files.exists(p)) {
            return "(unknown)";
        }
        String[] f = Files.readString(p).split("\\s+");
        return f[0] + ", " + f[1] + ", " + f[2];
    }

    private static final Pattern SECTION = Pattern.compile("<!-- part:(\\w+) -->\n(.*?)<!-- /part:\\1 -->\n",
            Pattern.DOTALL);

    /** Replaces the sections that ran, keeps the others, in the order of {@link #ALL_PARTS}. */
    private void write(String part, String section) throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        if (Files.exists(out)) {
            Matcher m = SECTION.matcher(Files.readString(out));
            while (m.find()) {
                sections.put(m.group(1), m.group(2));
            }
        }
        sections.put(part, section);
        StringBuilder sb = new StringBuilder("# Benchmarks\n\n");
        sb.append("Written by `bin/bench` ([bench/README.md](../bench/README.md)); each section names the command, "
                + "machine and load that produced it. Reading notes at the end.\n\n");
        for (String name : ALL_PARTS) {
            if (sections.containsKey(name)) {
                sb.append("<!-- part:").append(name).append(" -->\n").append(sections.get(name))
                        .append("<!-- /part:").append(name).append(" -->\n");
            }
        }
        Path notes = Path.of("bench/notes.md");
        if (Files.exists(notes)) {
            sb.append('\n').append(Files.readString(notes));
        }
        Files.writeString(out, sb.toString());
        System.out.println("wrote " + out + " (" + part + ")");
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

}

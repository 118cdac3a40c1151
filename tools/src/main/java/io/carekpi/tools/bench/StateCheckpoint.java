package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.flink.LiveWatermarks;
import io.carekpi.io.EventDecoder;
import io.carekpi.jobs.RuntimeSettings;
import io.carekpi.schema.QueueGauge;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The harness of the state benchmarks ({@link OpenConversationState}, {@link RememberedConversationState}):
 * the live topology (shipped configuration, operator chaining off so that Flink reports each
 * operator's state separately) reads generated events from one source that stops emitting after
 * them but does not finish; once the scenario's condition holds, a full checkpoint is triggered
 * through Flink's REST API with filesystem checkpoint storage in a temporary directory, and its
 * size is reported as Flink gives it ({@code state_size} of {@code /jobs/:id/checkpoints/details/:cp},
 * per operator), with the bytes of the checkpoint directory on disk and the checkpoint's
 * end-to-end duration; then a savepoint in the canonical format, whose size counts the live state
 * entries only (see {@link Result}). The job keeps running while they are taken.
 */
final class StateCheckpoint {
    /** The live sources' decoder, one for all generated records. */
    static final EventDecoder DECODER = EventDecoder.live();

    private static final String[] CHANNELS = {"WHATSAPP", "WEB_CHAT", "MESSENGER", "EMAIL", "SMS", "APP",
            "INSTAGRAM", "TWITTER", "WECHAT", "VOICE"};
    private static final String[] QUEUES = {"billing", "tech-support", "sales", "retention"};

    /** Latest gauge reading per channel (all its queues), written by the gauges' tap in this JVM. */
    private static final Map<String, Long> WAITING = new ConcurrentHashMap<>();

    private StateCheckpoint() {}

    /** The i-th conversation's channel: the 10 channels in turn. */
    static String channel(long i) {
        return CHANNELS[(int) (i % CHANNELS.length)];
    }

    /** The i-th conversation's queue: 4 queues, each over every channel. */
    static String queue(long i) {
        return QUEUES[(int) (i / CHANNELS.length % QUEUES.length)];
    }

    /** Decodes one generated JSON event as the live sources do. */
    static Decoded decode(String json, long position) {
        return DECODER.decode(RawInput.json(json, position));
    }

    /** Conversations waiting now, over every channel, as the job's live gauges last reported them. */
    static long waiting() {
        return WAITING.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What one state measurement generates, taps and waits for. */
    abstract static class Scenario {
        /** Conversations the state is divided by. */
        final long conversations;
        /** Events the source emits (then it stays running and emits nothing). */
        final long events;

        Scenario(long conversations, long events) {
            this.conversations = conversations;
            this.events = events;
        }

        /** The i-th event, called in order by the one source subtask. */
        abstract GeneratorFunction<Long, Decoded> generator();

        /** Attaches the scenario's taps to the topology's outputs (before the job starts). */
        void tap(CareKpiTopology.Outputs out) {}

        /** True once the state to measure is reached; checked every 100 ms. */
        abstract boolean ready();

        /** What {@link #ready} is waiting for, for the error when it never comes. */
        abstract String progress();
    }

    /**
     * @param checkpoint the full checkpoint: with RocksDB its SST files as they are (Flink 2 copies
     *     them for a full checkpoint too), so it also holds overwritten values and deletions that
     *     RocksDB has not compacted away yet
     * @param canonical a savepoint in Flink's canonical format taken right after it: the live state
     *     entries only, in Flink's serialized form (for the heap backend about the checkpoint itself)
     */
    record Result(String backend, int parallelism, long conversations, long setupMillis,
                  FlinkRest.Checkpoint checkpoint, long bytesOnDisk, FlinkRest.Checkpoint canonical) {
        double bytesPerConversation() {
            return (double) checkpoint.stateSize() / conversations;
        }

        double canonicalBytesPerConversation() {
            return (double) canonical.stateSize() / conversations;
        }
    }

    static Result measure(EngineConfig config, Scenario scenario, String name, String backend, int parallelism,
                          Duration timeout) throws Exception {
        try (Running run = start(config, scenario, name, backend, parallelism, false)) {
            long setupMillis = run.awaitReady(scenario, name, timeout);
            FlinkRest.Checkpoint cp = run.rest.checkpoint(run.job.getJobID(), Duration.ofMinutes(10));
            long onDisk = sizeOf(run.dir);
            FlinkRest.Checkpoint canonical = run.rest.canonicalSavepoint(run.job.getJobID(),
                    run.dir.resolve("savepoints").toUri().toString(), Duration.ofMinutes(10));
            return new Result(backend, parallelism, scenario.conversations, setupMillis, cp, onDisk, canonical);
        }
    }

    /**
     * The scenario's job, running: checkpoint storage in a temporary directory (deleted at {@link
     * #close}, which also cancels the job), checkpoints only when triggered.
     */
    static final class Running implements AutoCloseable {
        final JobClient job;
        final FlinkRest rest;
        final Path dir;
        private final long startedAt = System.nanoTime();

        private Running(JobClient job, FlinkRest rest, Path dir) {
            this.job = job;
            this.rest = rest;
            this.dir = dir;
        }

        /** Waits until the scenario is ready; returns the milliseconds since the job was started. */
        long awaitReady(Scenario scenario, String name, Duration timeout) throws Exception {
            long until = System.nanoTime() + timeout.toNanos();
            while (!scenario.ready()) {
                if (System.nanoTime() > until || job.getJobStatus().get().isTerminalState()) {
                    throw new IllegalStateException(name + ": " + scenario.progress());
                }
                Thread.sleep(100);
            }
            return (System.nanoTime() - startedAt) / 1_000_000;
        }

        @Override
        public void close() throws Exception {
            try {
                job.cancel().get();
            } finally {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * Starts the scenario's job: its source lets the scenario's first {@link Scenario#events} through,
     * then more only when {@link #allow} says so.
     */
    static Running start(EngineConfig config, Scenario scenario, String name, String backend, int parallelism,
                         boolean incremental) throws Exception {
        Path dir = Files.createTempDirectory("carekpi-bench-checkpoints-");
        try {
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, backend);
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1)); // only the ones we trigger
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, incremental);
            if ("rocksdb".equals(backend)) {
                RuntimeSettings.shippedRocksDb(conf, new Configuration()); // as carekpi run sets it up
            }
            FlinkRest rest = FlinkRest.onFreePort(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            env.disableOperatorChaining();
            CareKpiTopology.configureLive(env);
            allow(scenario.events);
            var raw = env.fromSource(new DataGeneratorSource<>(scenario.generator(), Long.MAX_VALUE,
                            gated(), TypeInformation.of(Decoded.class)),
                    CareKpiTopology.sourceWatermarks(config, LiveWatermarks.Backlog.none()), "generated events").setParallelism(1);
            CareKpiTopology.Outputs out = CareKpiTopology.build(raw, config, CareKpiTopology.Mode.LIVE);
            EngineThroughput.discardAllButGauges(out);
            WAITING.clear();
            // every channel's gauge over all its queues: waiting conversations now; not the
            // all-channel gauge (channel "all"), which counts them again
            // (a sink of our own: collectAsync would deliver only at checkpoints)
            out.gauges().sinkTo(new Tap<QueueGauge>(g -> {
                if ("all".equals(g.getQueue()) && !"all".equals(g.getChannel())) {
                    WAITING.put(g.getChannel(), g.getWaiting());
                }
            }, w -> {}));
            scenario.tap(out);
            return new Running(env.executeAsync(name + " " + backend + " p" + parallelism), rest, dir);
        } catch (Exception | Error e) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            throw e;
        }
    }

    /** A sink that hands every record and every watermark it receives to code of this JVM (the local job runs in it). */
    static final class Tap<T> implements Sink<T> {
        interface OnRecord<T> extends Serializable {
            void accept(T record);
        }

        interface OnWatermark extends Serializable {
            void accept(long watermark);
        }

        private final OnRecord<T> onRecord;
        private final OnWatermark onWatermark;

        Tap(OnRecord<T> onRecord, OnWatermark onWatermark) {
            this.onRecord = onRecord;
            this.onWatermark = onWatermark;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T record, Context ctx) {
                    onRecord.accept(record);
                }

                @Override
                public void writeWatermark(Watermark watermark) {
                    onWatermark.accept(watermark.getTimestamp());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** How many records the generating source may emit in all (one source, in this JVM). */
    private static final AtomicLong ALLOWED = new AtomicLong();
    /** Completed (and replaced) whenever {@link #ALLOWED} grows. */
    private static volatile CompletableFuture<Void> more = new CompletableFuture<>();

    /** Lets the source emit up to {@code n} records in all, at full speed; it stays running after them. */
    static void allow(long n) {
        ALLOWED.set(n);
        CompletableFuture<Void> waiting = more;
        more = new CompletableFuture<>();
        waiting.complete(null);
    }

    /** The source's limiter: as many records as {@link #allow} says, then none until it says more. */
    private static RateLimiterStrategy<SourceSplit> gated() {
        return parallelism -> new RateLimiter<>() {
            private long granted;

            @Override
            public CompletionStage<Void> acquire(int permits) {
                CompletableFuture<Void> next = more; // read before the bound, so no growth is missed
                if (granted >= ALLOWED.get()) {
                    return next.thenCompose(v -> acquire(permits));
                }
                granted += permits;
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.QueueGauge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * State per open conversation: the live topology opens {@code n} conversations (one first
 * customer message each, stamped with the wall clock, spread over the channels and queues of the
 * simulator, one customer each) that are never answered nor closed, waits until the job's live
 * gauges count all {@code n} waiting, takes a full checkpoint to a temporary directory (filesystem
 * checkpoint storage) and reports its size as Flink's REST API gives it ({@code state_size} of
 * {@code /jobs/:id/checkpoints/details/:cp}, per operator: chaining is off so each operator is its
 * own vertex), the bytes of the checkpoint directory on disk, and the checkpoint's end-to-end
 * duration. The job keeps running while the checkpoint is taken (the source stops emitting
 * after {@code n} events but does not finish).
 */
public final class OpenConversationState {
    /** The live sources' decoder, one for all generated records. */
    private static final EventDecoder DECODER = EventDecoder.live();

    private static final String[] CHANNELS = {"WHATSAPP", "WEB_CHAT", "MESSENGER", "EMAIL", "SMS", "APP",
            "INSTAGRAM", "TWITTER", "WECHAT", "VOICE"};
    private static final String[] QUEUES = {"billing", "tech-support", "sales", "retention"};

    /** Latest gauge reading per channel (all its queues), written by {@link WaitingTap} in this JVM. */
    private static final Map<String, Long> WAITING = new ConcurrentHashMap<>();

    private OpenConversationState() {}

    /** Keeps the latest waiting count per channel in {@link #WAITING} (the local job runs in this JVM). */
    private static final class WaitingTap implements Sink<QueueGauge> {
        @Override
        public SinkWriter<QueueGauge> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(QueueGauge g, Context ctx) {
                    if ("all".equals(g.getQueue())) {
                        WAITING.put(g.getChannel(), g.getWaiting());
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    public record Result(String backend, int parallelism, long conversations, long openMillis,
                         FlinkRest.Checkpoint checkpoint, long bytesOnDisk) {
        double bytesPerConversation() {
            return (double) checkpoint.stateSize() / conversations;
        }
    }

    public static Result measure(EngineConfig config, long n, String backend, int parallelism) throws Exception {
        Path dir = Files.createTempDirectory("carekpi-bench-checkpoints-");
        try {
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, backend);
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1)); // only the one we trigger
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
            FlinkRest rest = FlinkRest.onFreePort(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            env.disableOperatorChaining();
            CareKpiTopology.configureLive(env);
            var raw = env.fromSource(new DataGeneratorSource<>(OpenConversationState::opening, Long.MAX_VALUE,
                            firstOnly(n), TypeInformation.of(Decoded.class)),
                    CareKpiTopology.sourceWatermarks(config), "openings").setParallelism(1);
            CareKpiTopology.Outputs out = CareKpiTopology.build(raw, config, CareKpiTopology.Mode.LIVE);
            EngineThroughput.discardAllButGauges(out);
            WAITING.clear();
            out.gauges().sinkTo(new WaitingTap()); // collectAsync would deliver only at checkpoints
            long t0 = System.nanoTime();
            JobClient job = env.executeAsync("open conversations " + n + " " + backend);
            try {
                // every channel's gauge over all its queues: waiting conversations now
                long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                long total = 0;
                while (total != n) {
                    if (System.nanoTime() > until || job.getJobStatus().get().isTerminalState()) {
                        throw new IllegalStateException("gauges count " + total + " waiting conversations, expected " + n);
                    }
                    Thread.sleep(100);
                    total = WAITING.values().stream().mapToLong(Long::longValue).sum();
                }
                long openMillis = (System.nanoTime() - t0) / 1_000_000;
                FlinkRest.Checkpoint cp = rest.checkpoint(job.getJobID(), Duration.ofMinutes(10));
                return new Result(backend, parallelism, n, openMillis, cp, sizeOf(dir));
            } finally {
                job.cancel().get();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The i-th conversation's first event: a customer message on a channel and queue, now. */
    private static Decoded opening(long i) {
        return DECODER.decode(RawInput.json("{\"eventId\":\"o" + i + "\",\"occurredAt\":" + System.currentTimeMillis()
                + ",\"conversationId\":\"open-" + i + "\",\"customerId\":\"cust-" + i + "\",\"channel\":\""
                + CHANNELS[(int) (i % CHANNELS.length)] + "\",\"queue\":\"" + QUEUES[(int) (i / CHANNELS.length % QUEUES.length)]
                + "\",\"type\":\"CUSTOMER_MESSAGE\"}", i));
    }

    /** Lets the first {@code n} records through at full speed, then none (the source stays running). */
    private static RateLimiterStrategy<org.apache.flink.api.connector.source.SourceSplit> firstOnly(long n) {
        return parallelism -> new RateLimiter<>() {
            private long granted;

            @Override
            public CompletionStage<Void> acquire(int permits) {
                if (granted >= n) {
                    return new CompletableFuture<>();
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

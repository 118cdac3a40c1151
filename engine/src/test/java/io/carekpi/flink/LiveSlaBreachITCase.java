package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import io.carekpi.testing.MiniClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live (unbounded) source sends one conversation opening and then goes quiet forever: the
 * first-response breach must still be raised as its deadline passes. The bound asserted here is
 * generous (CI machines are noisy); the latency distribution is measured by the benchmark.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiveSlaBreachITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final long THRESHOLD_MS = 2_000;

    /** Emits the conversation opening, stamped with the wall clock when it is generated. */
    private static final class OneOpening implements GeneratorFunction<Long, Decoded> {
        @Override
        public Decoded map(Long index) {
            long now = System.currentTimeMillis();
            return EventDecoder.live().decode(RawInput.json("{\"eventId\":\"e" + index + "\",\"occurredAt\":" + now
                    + ",\"conversationId\":\"live-1\",\"customerId\":\"u1\",\"channel\":\"WHATSAPP\","
                    + "\"type\":\"CONVERSATION_OPENED\",\"queue\":\"support\"}", index));
        }
    }

    /** Lets one record through, then never again: the source stays open and silent. */
    private static final class OneThenSilence implements RateLimiterStrategy<org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit> {
        @Override
        public RateLimiter<org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private int granted;

                @Override
                public java.util.concurrent.CompletionStage<Void> acquire(int permits) {
                    return granted++ == 0 ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                }
            };
        }
    }

    @Test
    void shouldRaiseTheBreachAsTheDeadlinePassesWhenNoFurtherEventArrives() throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.outOfOrderness = Duration.ofMillis(500);
        b.sla = new SlaConfig(Map.of("WHATSAPP", new SlaPolicy(Duration.ofMillis(THRESHOLD_MS), null, null, null, null)),
                Map.of(), Map.of());
        EngineConfig config = b.build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CareKpiTopology.configureLive(env);
        DataStream<Decoded> raw = env.fromSource(
                        new DataGeneratorSource<>(new OneOpening(), Long.MAX_VALUE, new OneThenSilence(),
                                TypeInformation.of(Decoded.class)),
                        CareKpiTopology.sourceWatermarks(config, LiveWatermarks.Backlog.none()), "one opening then silence")
                .setParallelism(1);
        CareKpiTopology.Outputs outputs = CareKpiTopology.build(raw, config, CareKpiTopology.Mode.LIVE);
        CloseableIterator<SlaEvent> sla = outputs.sla().collectAsync();
        JobClient job = env.executeAsync("live SLA breach");
        try {
            List<Long> latencies = new ArrayList<>();
            List<SlaStatus> statuses = new ArrayList<>();
            while (sla.hasNext()) {
                SlaEvent e = sla.next();
                long arrived = System.currentTimeMillis();
                statuses.add(e.getStatus());
                latencies.add(arrived - e.getEmittedFor().toEpochMilli());
                if (e.getStatus() == SlaStatus.BREACHED) {
                    assertThat(e.getDeadline().toEpochMilli() - e.getStartedAt().toEpochMilli()).isEqualTo(THRESHOLD_MS);
                    break;
                }
            }
            System.out.println("live SLA latencies (ms after the instant): " + statuses + " " + latencies);
            assertThat(statuses).containsExactly(SlaStatus.WARNING, SlaStatus.BREACHED);
            assertThat(latencies).allSatisfy(l -> assertThat(l).isBetween(0L, 3_000L));
        } finally {
            job.cancel().get();
        }
    }
}

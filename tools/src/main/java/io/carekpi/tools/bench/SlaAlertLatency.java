package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.SlaConfig;
import io.carekpi.config.SlaPolicy;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.flink.LiveWatermarks;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * SLA alert latency in live mode: conversations open at a steady rate (stamped with the wall
 * clock), nobody answers, and each first-response breach is timed from its deadline to its
 * arrival at the job's output. The input keeps flowing, so the watermark is driven by events and
 * by the wall clock between them, as in production. (Kafka transactions would add up to one
 * checkpoint interval for read_committed consumers; InfluxDB writes add the sink's batching.)
 */
public final class SlaAlertLatency {
    /** The live sources' decoder, one for all generated records. */
    private static final EventDecoder DECODER = EventDecoder.live();

    private SlaAlertLatency() {}

    /** Latencies in ms (arrival minus deadline) of {@code count} breaches. */
    public static List<Long> measure(int count, double perSecond, Duration outOfOrderness) throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.outOfOrderness = outOfOrderness;
        b.sla = new SlaConfig(Map.of("WHATSAPP", new SlaPolicy(Duration.ofSeconds(2), null, null, 1.0, null)),
                Map.of(), Map.of());
        EngineConfig config = b.build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        CareKpiTopology.configureLive(env);
        var raw = env.fromSource(new DataGeneratorSource<>(i -> DECODER.decode(RawInput.json("{\"eventId\":\"e" + i
                                + "\",\"occurredAt\":" + System.currentTimeMillis() + ",\"conversationId\":\"c" + i
                                + "\",\"customerId\":\"u" + i + "\",\"channel\":\"WHATSAPP\",\"type\":\"CONVERSATION_OPENED\"}",
                                i)), Long.MAX_VALUE, RateLimiterStrategy.perSecond(perSecond),
                        TypeInformation.of(Decoded.class)),
                CareKpiTopology.sourceWatermarks(config, LiveWatermarks.Backlog.none()), "openings").setParallelism(1);
        CareKpiTopology.Outputs out = CareKpiTopology.build(raw, config, CareKpiTopology.Mode.LIVE);
        CloseableIterator<SlaEvent> sla = out.sla().collectAsync();
        JobClient job = env.executeAsync("SLA alert latency");
        List<Long> latencies = new ArrayList<>();
        try {
            while (latencies.size() < count && sla.hasNext()) {
                SlaEvent e = sla.next();
                if (e.getStatus() == SlaStatus.BREACHED) {
                    latencies.add(System.currentTimeMillis() - e.getDeadline().toEpochMilli());
                }
            }
        } finally {
            job.cancel().get();
        }
        return latencies;
    }
}

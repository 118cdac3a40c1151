package io.carekpi.jobs;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.AvroRecordSerializer;
import io.carekpi.connectors.kafka.DeadLetterSerializer;
import io.carekpi.connectors.kafka.KafkaBacklog;
import io.carekpi.connectors.kafka.KafkaConnectors;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.events.Decoded;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The long-running job: {@code care.events} from Kafka through the CareKPI topology to the Kafka
 * topics {@code care.kpi}, {@code care.sla}, {@code care.conversations}, {@code care.dlq} and
 * {@code care.queue} (live gauges).
 * Other sinks (InfluxDB, the demo's wallboard) attach to the returned outputs.
 */
public final class LiveJob {
    private LiveJob() {}

    /**
     * @param boundedInput stop at the offsets that are latest at start (tests, catch-up runs);
     *     at the end of the input the watermark jumps to the end of time, so every window, SLA
     *     deadline and FCR verdict is emitted, as in replay.
     */
    public static CareKpiTopology.Outputs build(StreamExecutionEnvironment env, EngineConfig config,
                                                KafkaSettings kafka, boolean boundedInput) {
        return build(env, config, kafka, boundedInput, UnaryOperator.identity());
    }

    /**
     * @param beforeTopology applied to the source's stream before the topology: the fault tests
     *     inject failures and slow the input down here.
     */
    public static CareKpiTopology.Outputs build(StreamExecutionEnvironment env, EngineConfig config,
                                                KafkaSettings kafka, boolean boundedInput,
                                                UnaryOperator<DataStream<Decoded>> beforeTopology) {
        CareKpiTopology.configureLive(env);
        DataStream<Decoded> decoded = env.fromSource(KafkaConnectors.eventSource(kafka, boundedInput),
                        CareKpiTopology.sourceWatermarks(config, new KafkaBacklog(kafka)), "care.events")
                .uid("source-kafka-events");
        CareKpiTopology.Outputs out = CareKpiTopology.build(beforeTopology.apply(decoded), config,
                CareKpiTopology.Mode.LIVE);

        if (kafka.schemaRegistry() != null && kafka.schemaRegistry().confluentOutputs()) {
            kafka.schemaRegistry().registerOutputSchemas(Map.of(kafka.kpiTopic(), KpiSnapshot.getClassSchema(),
                    kafka.slaTopic(), SlaEvent.getClassSchema(), kafka.conversationsTopic(),
                    ConversationSummary.getClassSchema(), kafka.queueTopic(), QueueGauge.getClassSchema()));
        }
        out.kpis().sinkTo(KafkaConnectors.sink(kafka,
                        new AvroRecordSerializer<KpiSnapshot>(kafka.kpiTopic(), LiveJob::kpiKey, kafka.schemaRegistry()), "kpi"))
                .name("care.kpi").uid("sink-kafka-kpi");
        out.sla().sinkTo(KafkaConnectors.sink(kafka,
                        new AvroRecordSerializer<SlaEvent>(kafka.slaTopic(), SlaEvent::getConversationId,
                                kafka.schemaRegistry()), "sla"))
                .name("care.sla").uid("sink-kafka-sla");
        out.conversations().sinkTo(KafkaConnectors.sink(kafka,
                        new AvroRecordSerializer<ConversationSummary>(kafka.conversationsTopic(),
                                ConversationSummary::getConversationId, kafka.schemaRegistry()), "conversations"))
                .name("care.conversations").uid("sink-kafka-conversations");
        out.gauges().sinkTo(KafkaConnectors.sink(kafka,
                        new AvroRecordSerializer<QueueGauge>(kafka.queueTopic(),
                                g -> g.getChannel() + "|" + g.getQueue(), kafka.schemaRegistry()), "queue"))
                .name("care.queue").uid("sink-kafka-queue");
        out.rejected().sinkTo(KafkaConnectors.sink(kafka, new DeadLetterSerializer(kafka.dlqTopic(), "rejected"),
                        "dlq"))
                .name("care.dlq (rejected)").uid("sink-kafka-dlq");
        out.late().sinkTo(KafkaConnectors.sink(kafka, new DeadLetterSerializer(kafka.dlqTopic(), "late"), "late"))
                .name("care.dlq (late)").uid("sink-kafka-late");
        return out;
    }

    /** The upsert key of a snapshot on {@code care.kpi}: window, start and dimensions. */
    public static String kpiKey(KpiSnapshot s) {
        return s.getWindow() + "|" + s.getWindowStart().toEpochMilli() + "|" + s.getChannel() + "|" + s.getAgent()
                + "|" + s.getQueue();
    }
}

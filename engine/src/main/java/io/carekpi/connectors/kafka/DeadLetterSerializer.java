package io.carekpi.connectors.kafka;

import io.carekpi.events.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Rejected and late input to {@code care.dlq}: the original bytes (or JSON text) as the value,
 * and why in headers: {@code carekpi.kind} ({@code rejected} or {@code late}),
 * {@code carekpi.reason}, {@code carekpi.origin} (source topic-partition@offset). The record
 * timestamp is the time of writing (see {@link AvroRecordSerializer}): a dead letter with a
 * timestamp years in the past would otherwise fall to retention at once.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<Rejection> {
    private static final long serialVersionUID = 1L;

    public static final String KIND = "carekpi.kind";
    public static final String REASON = "carekpi.reason";
    public static final String ORIGIN = "carekpi.origin";

    private final String topic;
    private final String kind;

    public DeadLetterSerializer(String topic, String kind) {
        this.topic = topic;
        this.kind = kind;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejection r, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KIND, kind.getBytes(StandardCharsets.UTF_8));
        headers.add(REASON, r.reason().getBytes(StandardCharsets.UTF_8));
        if (r.origin() != null) {
            headers.add(ORIGIN, r.origin().getBytes(StandardCharsets.UTF_8));
        }
        byte[] value = r.bytes() != null ? r.bytes() : r.input().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, null, value, headers);
    }
}

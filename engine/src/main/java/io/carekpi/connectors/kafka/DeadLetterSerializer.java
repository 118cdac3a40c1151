package io.carekpi.connectors.kafka;

import io.carekpi.events.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Rejected and late input to {@code care.dlq}: the original bytes (or JSON text) as the value,
 * cut to {@link #MAX_VALUE_BYTES} when longer (headers {@code carekpi.truncated}: the original
 * length), so that one huge record can never fail the sink and crash-loop the job on restart,
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
    /** The original length in bytes of a value cut to {@link #MAX_VALUE_BYTES}. */
    public static final String TRUNCATED = "carekpi.truncated";
    /**
     * The longest dead-letter value: below Kafka's default {@code max.request.size} (1 MiB) and
     * {@code max.message.bytes}, with room for the headers and the batch overhead.
     */
    public static final int MAX_VALUE_BYTES = 900 * 1024;

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
        if (value.length > MAX_VALUE_BYTES) {
            headers.add(TRUNCATED, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
            value = Arrays.copyOf(value, MAX_VALUE_BYTES);
        }
        return new ProducerRecord<>(topic, null, null, null, value, headers);
    }
}

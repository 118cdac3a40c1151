package io.carekpi.connectors.kafka;

import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
import io.carekpi.io.WriterSchemas;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka records of {@code care.events} decoded by the {@link EventDecoder} in the source, so that
 * watermarks come per partition from {@code occurredAt}. Never throws: an undecodable or invalid
 * record becomes a rejection with its bytes, origin and reason, for the dead-letter topic. The offset
 * is the tie-breaker for events of one conversation at the same instant (producers key by
 * conversation, so a conversation's events share a partition).
 */
public final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<Decoded> {
    private static final long serialVersionUID = 1L;

    private final EventDecoder decoder;

    /** Single-object encoding and bare records only. */
    public KafkaEventDeserializer() {
        this(null);
    }

    /** Also records in the Confluent wire format, with their writer schemas from {@code registry} (null: none). */
    public KafkaEventDeserializer(WriterSchemas registry) {
        this.decoder = EventDecoder.live(registry);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Decoded d = decoder.decode(RawInput.kafka(value, record.partition(), record.offset()));
        // Where it came from matters to a dead letter only: not built for every event.
        out.collect(d.isRejected()
                ? Decoded.rejected(d.rejection().from(record.topic() + "-" + record.partition() + "@" + record.offset()),
                        record.partition())
                : d);
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}

package io.carekpi.connectors.kafka;

import io.carekpi.flink.RawEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka records of {@code care.events} to {@link RawEvent}s, decoded in the source so watermarks
 * come per partition from {@code occurredAt}. Never throws: an undecodable record keeps its bytes
 * and the reason, and the decode stage sends it to the dead-letter topic. The offset is the
 * tie-breaker for events of one conversation at the same instant (producers key by conversation,
 * so a conversation's events share a partition).
 */
public final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        RawEvent raw = RawEvent.ofBytes(record.value() == null ? new byte[0] : record.value(), record.offset());
        raw.origin = record.topic() + "-" + record.partition() + "@" + record.offset();
        out.collect(raw.predecode());
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}

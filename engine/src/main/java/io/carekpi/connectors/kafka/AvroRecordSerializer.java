package io.carekpi.connectors.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An output record as Avro single-object encoding (schema fingerprint header, so consumers can
 * follow schema evolution), or, given a {@link SchemaRegistry} that says so, in the Confluent
 * wire format with its schema registered under {@code <topic>-value}; with a string key: the
 * upsert key for compacted topics.
 *
 * <p>The Kafka record timestamp is the time the record is written, not the event time it
 * describes (that is in the payload): a broker applies time-based retention to record timestamps,
 * so outputs of a replay or catch-up run over events older than {@code retention.ms} would
 * otherwise be deleted as soon as their segment rolls, before anyone reads them.
 */
public final class AvroRecordSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;
    /** Null unless the outputs are written in the Confluent wire format. */
    private final SchemaRegistry registry;
    private transient BinaryMessageEncoder<T> encoder;
    private transient AvroKafkaSerializer<T> confluent;

    public AvroRecordSerializer(String topic, SerializableFunction<T, String> key) {
        this(topic, key, null);
    }

    /** Written in the Confluent wire format if {@code registry} says so (null: single-object encoding). */
    public AvroRecordSerializer(String topic, SerializableFunction<T, String> key, SchemaRegistry registry) {
        this.topic = topic;
        this.key = key;
        this.registry = registry != null && registry.confluentOutputs() ? registry : null;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        byte[] k = key.apply(element).getBytes(StandardCharsets.UTF_8);
        if (registry != null) {
            if (confluent == null) {
                AvroKafkaSerializer<T> s = new AvroKafkaSerializer<>();
                s.configure(registry.serdeConfig(), false);
                confluent = s;
            }
            return new ProducerRecord<>(topic, null, null, k, confluent.serialize(topic, element));
        }
        if (encoder == null) {
            encoder = new BinaryMessageEncoder<>(SpecificData.get(), element.getSchema());
        }
        try {
            ByteBuffer buf = encoder.encode(element);
            byte[] value = new byte[buf.remaining()];
            buf.get(value);
            return new ProducerRecord<>(topic, null, null, k, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + element.getSchema().getName(), e);
        }
    }
}

package io.carekpi.connectors.kafka;

import io.carekpi.events.Decoded;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the job's Kafka source and sinks from {@link KafkaSettings}. */
public final class KafkaConnectors {
    /**
     * Producer transaction timeout: above the longest expected checkpoint plus restart, below the
     * broker's {@code transaction.max.timeout.ms} (15 min by default), or producers fail to start.
     * {@code --kafka-property transaction.timeout.ms=...} replaces it. A job down longer than this
     * can lose the output of the checkpoint it was committing (docs/operations.md).
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private KafkaConnectors() {}

    /**
     * The events source: committed offsets of the group, else the earliest. {@code bounded} stops
     * at the offsets that are latest when the job starts (tests and catch-up runs), else unbounded.
     * A bounded run restored from a savepoint or checkpoint stops at the offsets of its first start
     * ({@link BoundedRestoreKafkaSource}).
     */
    public static BoundedRestoreKafkaSource<Decoded> eventSource(KafkaSettings s, boolean bounded) {
        Properties p = s.client();
        p.setProperty("isolation.level", "read_committed");
        p.putIfAbsent("partition.discovery.interval.ms", "60000");
        var b = KafkaSource.<Decoded>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(s.eventsTopic())
                .setGroupId(s.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaEventDeserializer(
                        s.schemaRegistry() == null ? null : new RegistryWriterSchemas(s.schemaRegistry())))
                .setProperties(p);
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return new BoundedRestoreKafkaSource<>(b.build());
    }

    /**
     * A sink with the settings' delivery guarantee. Exactly-once writes in Kafka transactions
     * committed at each checkpoint: consumers with {@code isolation.level=read_committed} see the
     * records one checkpoint interval later, never twice.
     */
    public static <T> KafkaSink<T> sink(KafkaSettings s, KafkaRecordSerializationSchema<T> serializer, String name) {
        Properties p = s.client();
        p.putIfAbsent("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        p.putIfAbsent("linger.ms", "20");
        p.putIfAbsent("compression.type", "lz4");
        var b = KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setRecordSerializer(serializer)
                .setKafkaProducerConfig(p)
                .setDeliveryGuarantee(s.deliveryGuarantee());
        if (s.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            b.setTransactionalIdPrefix(s.transactionalIdPrefix() + "-" + name);
        }
        return b.build();
    }
}

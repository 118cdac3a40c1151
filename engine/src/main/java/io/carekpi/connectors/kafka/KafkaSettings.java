package io.carekpi.connectors.kafka;

import java.io.Serializable;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Where and how the job talks to Kafka. {@code clientProperties} pass through to every consumer,
 * producer and admin client unchanged, which is how SASL_SSL / SCRAM and TLS are configured
 * (docs/operations.md); credentials come from the environment or config, never from code.
 */
public record KafkaSettings(
        String bootstrapServers,
        Properties clientProperties,
        String eventsTopic,
        String kpiTopic,
        String slaTopic,
        String conversationsTopic,
        String dlqTopic,
        String queueTopic,
        String groupId,
        String transactionalIdPrefix,
        DeliveryGuarantee deliveryGuarantee,
        SchemaRegistry schemaRegistry) implements Serializable {

    /** Settings without a schema registry: single-object encoding in and out. */
    public KafkaSettings(String bootstrapServers, Properties clientProperties, String eventsTopic, String kpiTopic,
            String slaTopic, String conversationsTopic, String dlqTopic, String queueTopic, String groupId,
            String transactionalIdPrefix, DeliveryGuarantee deliveryGuarantee) {
        this(bootstrapServers, clientProperties, eventsTopic, kpiTopic, slaTopic, conversationsTopic, dlqTopic,
                queueTopic, groupId, transactionalIdPrefix, deliveryGuarantee, null);
    }

    public static final String EVENTS = "care.events";
    public static final String KPI = "care.kpi";
    public static final String SLA = "care.sla";
    public static final String CONVERSATIONS = "care.conversations";
    public static final String DLQ = "care.dlq";
    /** Live gauges (QueueGauge), an addition to SPEC section 5 for wallboards reading Kafka. */
    public static final String QUEUE = "care.queue";

    /**
     * The delivery of {@code carekpi run} when {@code --delivery} is not given: at-least-once, so
     * records are visible at once; revisions that outrank every earlier one across restores make it
     * exactly-once in effect for consumers keeping the highest revision per key and SLA events by id
     * (docs/operations.md). {@code EXACTLY_ONCE} is the documented alternative.
     */
    public static final String SHIPPED_DELIVERY = "AT_LEAST_ONCE";

    /** {@link #SHIPPED_DELIVERY} as the guarantee it names. */
    public static DeliveryGuarantee shippedDelivery() {
        return DeliveryGuarantee.valueOf(SHIPPED_DELIVERY);
    }

    /** The default topics, group and transactional id prefix, exactly-once (the tests' default). */
    public static KafkaSettings defaults(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, new Properties(), EVENTS, KPI, SLA, CONVERSATIONS, DLQ, QUEUE,
                "carekpi", "carekpi", DeliveryGuarantee.EXACTLY_ONCE);
    }

    public KafkaSettings withGuarantee(DeliveryGuarantee g) {
        return new KafkaSettings(bootstrapServers, clientProperties, eventsTopic, kpiTopic, slaTopic,
                conversationsTopic, dlqTopic, queueTopic, groupId, transactionalIdPrefix, g, schemaRegistry);
    }

    /**
     * With a schema registry (null: none): input in the Confluent wire format is read, and, if it
     * says so, the outputs are written in it ({@link SchemaRegistry}).
     */
    public KafkaSettings withSchemaRegistry(SchemaRegistry registry) {
        return new KafkaSettings(bootstrapServers, clientProperties, eventsTopic, kpiTopic, slaTopic,
                conversationsTopic, dlqTopic, queueTopic, groupId, transactionalIdPrefix, deliveryGuarantee, registry);
    }

    /**
     * Every topic, the consumer group and the transactional id prefix with {@code prefix} in front
     * ({@code staging.} gives {@code staging.care.events}, group {@code staging.carekpi}): several
     * deployments of the job on one Kafka cluster. An empty prefix changes nothing.
     */
    public KafkaSettings withPrefix(String prefix) {
        return new KafkaSettings(bootstrapServers, clientProperties, prefix + eventsTopic, prefix + kpiTopic,
                prefix + slaTopic, prefix + conversationsTopic, prefix + dlqTopic, prefix + queueTopic,
                prefix + groupId, prefix + transactionalIdPrefix, deliveryGuarantee, schemaRegistry);
    }

    /** A copy of the pass-through client properties. */
    public Properties client() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        return p;
    }
}

package io.carekpi.connectors.kafka;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import io.apicurio.registry.serde.data.KafkaSerdeRecord;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A schema registry for the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary),
 * reached through Apicurio Registry's serdes and client: {@code url} is the registry's API as its
 * client speaks it (Apicurio Registry: {@code http://HOST:8080/apis/registry/v2}). Input records
 * in that format are read with their writer schema from the registry, whatever this setting's
 * {@code confluentOutputs}; with {@code confluentOutputs}, the outputs are written in it too, each
 * topic's schema registered under the subject {@code <topic>-value} (the topic-name strategy),
 * with the registry's content ids as schema ids: the ids its Confluent-compatible API
 * ({@code /apis/ccompat/v7}) serves, so Confluent's deserializers, Kafka Connect, ksqlDB and Flink
 * SQL's {@code avro-confluent} read them from there. {@code properties} pass through to the
 * serdes (authentication: {@code apicurio.auth.*}; TLS: {@code apicurio.registry.request.ssl.*}).
 */
public record SchemaRegistry(String url, Map<String, String> properties, boolean confluentOutputs)
        implements Serializable {

    public SchemaRegistry {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a schema registry needs its URL");
        }
        properties = Map.copyOf(properties);
    }

    /**
     * The serdes' configuration: Confluent framing with content ids, nothing in headers, the
     * subject {@code <topic>-value}; a serializer uses the latest schema registered there (the
     * job registered its own at start: {@link #registerOutputSchemas}).
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(SerdeConfig.REGISTRY_URL, url);
        // the Confluent framing: a 4-byte id (Apicurio's default is 8)
        c.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        c.put(SerdeConfig.USE_ID, "contentId");
        c.put(SerdeConfig.ENABLE_HEADERS, "false");
        c.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, TopicIdStrategy.class.getName());
        c.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "false");
        c.put(SerdeConfig.FIND_LATEST_ARTIFACT, "true");
        c.putAll(properties);
        return c;
    }

    /**
     * Registers each topic's schema under {@code <topic>-value} (a new version when it changed;
     * the registry's compatibility rules apply), once, where the job is built: the sink subtasks
     * then only read it, and a registry that refuses the schema fails the job at its start.
     */
    public void registerOutputSchemas(Map<String, Schema> byTopic) {
        Map<String, Object> c = serdeConfig();
        c.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
        c.put(SerdeConfig.FIND_LATEST_ARTIFACT, "false");
        DefaultSchemaResolver<Schema, GenericRecord> resolver = new DefaultSchemaResolver<>();
        resolver.configure(c, new AvroSchemaParser<>(new DefaultAvroDatumProvider<>()));
        byTopic.forEach((topic, schema) -> resolver.resolveSchema(
                new KafkaSerdeRecord<>(new KafkaSerdeMetadata(topic, false, null), new GenericData.Record(schema))));
    }
}

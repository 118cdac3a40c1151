package io.carekpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.DeadLetterSerializer;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.connectors.kafka.SchemaRegistry;
import io.carekpi.io.EventAvro;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.SlaEvent;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.KpiComparison;
import io.carekpi.testing.LocalSchemaRegistry;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import io.carekpi.testing.Repository;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job with a real schema registry (Apicurio Registry, {@link LocalSchemaRegistry}) and a
 * real broker: input written by a Kafka producer with the registry's serializer (Confluent wire
 * format, schema registered under {@code care.events-value}) mixed with single-object input, and
 * {@code --output-format CONFLUENT}. The outputs, read as a Schema Registry user reads them (the
 * schema id in each record resolved through the registry's Confluent-compatible API, the records
 * decoded by the registry's deserializer), equal the replay of the same events; a record whose
 * schema id the registry does not know is a dead letter that says so.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SchemaRegistryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void confluentFramedInputAndOutputsThroughARealRegistryEqualTheReplay() throws Exception {
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        List<InteractionEvent> events = KafkaPipelineITCase.sampleEvents();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"));
                LocalSchemaRegistry registry = LocalSchemaRegistry.start(dir.resolve("registry"))) {
            SchemaRegistry settings = new SchemaRegistry(registry.url(), Map.of(), true);
            KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers()).withSchemaRegistry(settings);
            broker.createCareTopics(kafka);

            // every other event through the registry's serializer, as a Schema Registry shop produces
            Properties p = KafkaTopics.inOrder(broker.bootstrapServers(), new Properties());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            int framed = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
                    AvroKafkaSerializer<InteractionEvent> serializer = new AvroKafkaSerializer<>()) {
                Map<String, Object> producing = new HashMap<>(settings.serdeConfig());
                producing.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
                producing.put(SerdeConfig.FIND_LATEST_ARTIFACT, "false");
                serializer.configure(producing, false);
                for (int i = 0; i < events.size(); i++) {
                    InteractionEvent e = events.get(i);
                    byte[] value = i % 2 == 0 ? serializer.serialize(KafkaSettings.EVENTS, e) : EventAvro.encode(e);
                    framed += value[0] == 0 ? 1 : 0;
                    producer.send(new ProducerRecord<>(KafkaSettings.EVENTS,
                            e.getConversationId().getBytes(StandardCharsets.UTF_8), value)).get();
                }
                // the wire format with a schema id the registry never gave out
                byte[] unknown = ByteBuffer.allocate(9).put((byte) 0).putInt(424242).putInt(0).array();
                producer.send(new ProducerRecord<>(KafkaSettings.EVENTS, "unknown".getBytes(StandardCharsets.UTF_8),
                        unknown)).get();
            }
            assertThat(framed).as("events written in the Confluent wire format").isEqualTo((events.size() + 1) / 2);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(500);
            LiveJob.build(env, config, kafka, true);
            env.execute("kafka pipeline with a schema registry");
            PipelineFixture.replay(events, config, dir);

            // what a Schema Registry user finds: subjects per topic, ids that resolve to our schemas
            Map<String, Object> reader = new HashMap<>(settings.serdeConfig());
            reader.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "true");
            List<ConsumerRecord<byte[], byte[]>> kpiRecords = KafkaTopics.readAll(broker.bootstrapServers(),
                    KafkaSettings.KPI);
            assertThat(kpiRecords).isNotEmpty();
            assertThat(subjects(registry)).contains(KafkaSettings.EVENTS + "-value", KafkaSettings.KPI + "-value",
                    KafkaSettings.SLA + "-value", KafkaSettings.CONVERSATIONS + "-value",
                    KafkaSettings.QUEUE + "-value");
            int id = ByteBuffer.wrap(kpiRecords.get(0).value(), 1, 4).getInt();
            assertThat(kpiRecords).allSatisfy(r -> assertThat(r.value()[0]).as("magic byte").isZero());
            assertThat(new Schema.Parser().parse(schemaById(registry, id)))
                    .as("the schema id of care.kpi's records, through the Confluent-compatible API")
                    .isEqualTo(KpiSnapshot.getClassSchema());

            Map<String, JsonNode> expectedKpis = KpiComparison.replayKpis(dir.resolve("replay"));
            Map<String, JsonNode> actualKpis = KpiComparison.latestKafkaKpis(asSingleObject(kpiRecords, reader,
                    (KpiSnapshot k) -> KpiSnapshot.getEncoder().encode(k)));
            assertThat(KpiComparison.differences(expectedKpis, actualKpis)).as("differences from the replay").isEmpty();
            TreeSet<String> expectedSla = new TreeSet<>(Files.readAllLines(dir.resolve("replay/sla.jsonl")));
            assertThat(KpiComparison.kafkaSla(asSingleObject(KafkaTopics.readAll(broker.bootstrapServers(),
                    KafkaSettings.SLA), reader, (SlaEvent s) -> SlaEvent.getEncoder().encode(s))))
                    .isNotEmpty().isEqualTo(expectedSla);

            List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopics.readAll(broker.bootstrapServers(), KafkaSettings.DLQ);
            assertThat(dlq).hasSize(1);
            assertThat(new String(dlq.get(0).headers().lastHeader(DeadLetterSerializer.REASON).value(),
                    StandardCharsets.UTF_8)).contains("schema id 424242 is not in the schema registry");
        }
    }

    private interface Encoder<T> {
        ByteBuffer encode(T record) throws Exception;
    }

    /** The records decoded by the registry's deserializer, re-encoded single-object for the comparisons. */
    private static <T> List<ConsumerRecord<byte[], byte[]>> asSingleObject(List<ConsumerRecord<byte[], byte[]>> in,
            Map<String, Object> config, Encoder<T> encoder) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(config, false);
            for (ConsumerRecord<byte[], byte[]> r : in) {
                T record = deserializer.deserialize(r.topic(), r.value());
                ByteBuffer b = encoder.encode(record);
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), bytes));
            }
        }
        return out;
    }

    private static List<String> subjects(LocalSchemaRegistry registry) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(get(registry.confluentApi() + "/subjects")).forEach(s -> out.add(s.asText()));
        return out;
    }

    private static String schemaById(LocalSchemaRegistry registry, int id) throws Exception {
        return JSON.readTree(get(registry.confluentApi() + "/schemas/ids/" + id)).path("schema").asText();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }
}

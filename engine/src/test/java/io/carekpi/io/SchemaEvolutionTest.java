package io.carekpi.io;

import io.carekpi.testing.Repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The input schema evolves compatibly: every released version of {@code InteractionEvent} is kept
 * in {@code schemas/history/}, stays compatible both ways with the compiled one, and events written
 * with any of them (single-object encoding) decode; a newer producer's schema decodes once it is
 * added to the history.
 */
class SchemaEvolutionTest {
    private static final Schema COMPILED = InteractionEvent.getClassSchema();
    private static final Instant AT = Instant.parse("2026-03-02T09:15:00.123Z");

    @Test
    void theLastReleasedSchemaIsTheCompiledOne() {
        List<Schema> released = EventAvro.releasedSchemas();
        assertThat(released).hasSameSizeAs(EventAvro.RELEASED);
        assertThat(SchemaNormalization.parsingFingerprint64(released.get(released.size() - 1)))
                .as("schemas/InteractionEvent.avsc changed: keep the released version, add the new one to "
                        + "schemas/history as the next InteractionEvent-vN.avsc and to EventAvro.RELEASED")
                .isEqualTo(SchemaNormalization.parsingFingerprint64(COMPILED));
    }

    @Test
    void everyFileOfTheHistoryIsAReleasedVersion() throws IOException {
        try (Stream<Path> files = Files.list(Repository.path("schemas/history"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(EventAvro.RELEASED);
        }
    }

    @Test
    void everyReleasedSchemaIsCompatibleBothWaysWithTheCompiledOne() {
        for (Schema old : EventAvro.releasedSchemas()) {
            assertThat(old.getFullName()).isEqualTo(COMPILED.getFullName());
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(COMPILED, old).getType())
                    .as("the job reads events written with %s", old).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, COMPILED).getType())
                    .as("consumers on %s read events written with the compiled schema", old)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void eventsWrittenWithEveryReleasedSchemaDecode() throws Exception {
        for (Schema writer : EventAvro.releasedSchemas()) {
            InteractionEvent e = EventAvro.decode(singleObject(writer, record(writer)));
            assertThat(e.getEventId()).isEqualTo("e-1");
            assertThat(e.getOccurredAt()).isEqualTo(AT);
            assertThat(e.getConversationId()).isEqualTo("c-1");
            assertThat(e.getCustomerId()).isEqualTo("u-1");
            assertThat(e.getChannel()).isEqualTo(Channel.SMS);
            assertThat(e.getType()).isEqualTo(EventType.CONVERSATION_OPENED);
            assertThat(e.getQueue()).isEqualTo("billing");
        }
    }

    @Test
    void v2AddsAnOptionalLanguageThatV1EventsReadAsAbsent() throws Exception {
        Schema v1 = EventAvro.releasedSchemas().get(0);
        assertThat(v1.getField("language")).as("v1 has no language").isNull();
        assertThat(EventAvro.decode(singleObject(v1, record(v1))).getLanguage()).isNull();

        Schema v2 = EventAvro.releasedSchemas().get(1);
        GenericRecord r = record(v2);
        r.put("language", "pt-BR");
        InteractionEvent e = EventAvro.decode(singleObject(v2, r));
        assertThat(e.getLanguage()).isEqualTo("pt-BR");
        assertThat(EventAvro.decode(EventAvro.encode(e))).isEqualTo(e);
        assertThat(EventJson.decode(EventJson.encode(e))).isEqualTo(e);
        assertThat(EventJson.decode(EventJson.encode(EventAvro.decode(singleObject(v1, record(v1))))).getLanguage())
                .isNull();
    }

    @Test
    void aNewerProducersSchemaIsADeadLetterUntilItIsAddedToTheHistory() throws Exception {
        List<Schema.Field> fields = new ArrayList<>();
        COMPILED.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("sentiment", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.DOUBLE)), "a field of a future version", Schema.Field.NULL_DEFAULT_VALUE));
        Schema newer = Schema.createRecord(COMPILED.getName(), COMPILED.getDoc(), COMPILED.getNamespace(), false,
                fields);
        GenericRecord r = record(newer);
        r.put("sentiment", 0.7);
        byte[] bytes = singleObject(newer, r);

        assertThatThrownBy(() -> EventAvro.decode(bytes)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("unknown schema fingerprint");
        List<Schema> known = new ArrayList<>(EventAvro.releasedSchemas());
        known.add(newer);
        InteractionEvent e = EventAvro.decode(bytes, EventAvro.singleObjectDecoder(known));
        assertThat(e.getEventId()).isEqualTo("e-1");
        assertThat(e.getOccurredAt()).isEqualTo(AT);
        assertThat(e.getChannel()).isEqualTo(Channel.SMS);
        assertThat(e.getQueue()).isEqualTo("billing");
    }

    @Test
    void theCompiledSchemasOwnEncodingStillDecodes() throws Exception {
        InteractionEvent e = InteractionEvent.newBuilder().setEventId("e-2").setOccurredAt(AT).setConversationId("c-2")
                .setChannel(Channel.VOICE).setType(EventType.CUSTOMER_MESSAGE).build();
        assertThat(EventAvro.decode(EventAvro.encode(e))).isEqualTo(e);
    }

    /** A record of {@code schema} (any version) as a producer on that version would write it. */
    static GenericRecord record(Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("eventId", "e-1");
        r.put("occurredAt", AT.toEpochMilli());
        r.put("conversationId", "c-1");
        r.put("customerId", "u-1");
        r.put("channel", new GenericData.EnumSymbol(schema.getField("channel").schema(), "SMS"));
        r.put("type", new GenericData.EnumSymbol(schema.getField("type").schema(), "CONVERSATION_OPENED"));
        r.put("queue", "billing");
        return r;
    }

    private static byte[] singleObject(Schema schema, GenericRecord r) throws IOException {
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }
}

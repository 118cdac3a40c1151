package io.carekpi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Input in the Confluent Schema Registry wire format (magic byte 0, 4-byte schema id, Avro
 * binary): read with the writer schema the registry has under that id, resolved to the compiled
 * one; without a registry, or with an id the registry does not know, a dead letter that says why;
 * a registry that cannot be asked fails the job instead, since the record is not at fault.
 */
class ConfluentWireFormatTest {
    private static final Instant AT = Instant.now().minusSeconds(60);
    private static final List<Schema> RELEASED = EventAvro.releasedSchemas();
    /** A registry that has each released version under ids 1, 2, ... */
    private static final WriterSchemas REGISTRY = id -> {
        if (id < 1 || id > RELEASED.size()) {
            throw new InvalidEventException("schema id " + id + " is not in the schema registry test");
        }
        return RELEASED.get(id - 1);
    };

    private static byte[] framed(int id, Schema schema) throws IOException {
        GenericRecord r = SchemaEvolutionTest.record(schema);
        r.put("eventId", "e-" + id);
        r.put("occurredAt", AT.toEpochMilli());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, e);
        e.flush();
        return out.toByteArray();
    }

    @Test
    void everyReleasedWriterSchemaFromTheRegistryDecodesToTheCompiledOne() throws Exception {
        EventDecoder decoder = EventDecoder.live(REGISTRY);
        for (int id = 1; id <= RELEASED.size(); id++) {
            Decoded d = decoder.decode(RawInput.kafka(framed(id, RELEASED.get(id - 1)), 0, id));
            assertThat(d.isRejected()).as("schema id %d: %s", id, d.isRejected() ? d.rejection() : "").isFalse();
            InteractionEvent e = d.event().event();
            assertThat(e.getEventId()).isEqualTo("e-" + id);
            assertThat(e.getOccurredAt()).isEqualTo(Instant.ofEpochMilli(AT.toEpochMilli()));
            assertThat(e.getChannel()).isEqualTo(Channel.SMS);
            assertThat(e.getType()).isEqualTo(EventType.CONVERSATION_OPENED);
            assertThat(e.getQueue()).isEqualTo("billing");
        }
    }

    @Test
    void withoutARegistryTheRecordIsADeadLetterThatSaysHowToReadIt() throws Exception {
        Decoded d = EventDecoder.live().decode(RawInput.kafka(framed(7, RELEASED.get(0)), 0, 1));
        assertThat(d.isRejected()).isTrue();
        assertThat(d.rejection().reason()).contains("Confluent Schema Registry wire format", "schema id 7",
                "--schema-registry-url");
    }

    @Test
    void anIdTheRegistryDoesNotKnowOrTrailingBytesAreDeadLetters() throws Exception {
        Decoded unknown = EventDecoder.live(REGISTRY).decode(RawInput.kafka(framed(99, RELEASED.get(0)), 0, 1));
        assertThat(unknown.rejection().reason()).contains("schema id 99 is not in the schema registry");

        byte[] ok = framed(1, RELEASED.get(0));
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 3);
        Decoded trailing = EventDecoder.live(REGISTRY).decode(RawInput.kafka(longer, 0, 2));
        assertThat(trailing.rejection().reason()).contains("trailing bytes");
    }

    @Test
    void aRegistryThatCannotBeAskedFailsTheJobInsteadOfDeadLetteringTheRecord() throws Exception {
        WriterSchemas down = id -> {
            throw new WriterSchemas.RegistryUnavailableException("connection refused", null);
        };
        byte[] record = framed(1, RELEASED.get(0));
        assertThatThrownBy(() -> EventDecoder.live(down).decode(RawInput.kafka(record, 0, 1)))
                .isInstanceOf(WriterSchemas.RegistryUnavailableException.class);
        // single-object input needs no registry
        assertThat(EventDecoder.live(down).decode(RawInput.kafka(EventAvro.encode(InteractionEvent.newBuilder()
                .setEventId("e-x").setOccurredAt(AT).setConversationId("c-1").setCustomerId("u-1")
                .setChannel(Channel.SMS).setType(EventType.CONVERSATION_OPENED).build()), 0, 3)).isRejected())
                .isFalse();
    }
}

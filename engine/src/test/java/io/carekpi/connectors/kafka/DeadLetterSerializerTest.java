package io.carekpi.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.events.RawInput;
import io.carekpi.events.Rejection;
import io.carekpi.io.EventDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
    private final DeadLetterSerializer serializer = new DeadLetterSerializer("care.dlq", "rejected");

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRejectedRecordKeepsItsOriginalBytesNotTheEventReEncoded() {
        String line = "{\"eventId\":\"e1\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"conversationId\":\"c1\","
                + "\"channel\":\"SMS\",\"type\":\"CONVERSATION_OPENED\"}";
        byte[] original = line.getBytes(StandardCharsets.UTF_8);
        Rejection r = EventDecoder.live().decode(RawInput.avro(original, 7)).rejection().from("care.events-0@7");
        ProducerRecord<byte[], byte[]> out = serializer.serialize(r, null, null);
        assertThat(out.value()).isEqualTo(original);
        assertThat(header(out, DeadLetterSerializer.TRUNCATED)).isNull();
    }

    @Test
    void aValidationFailureOfAJsonLineKeepsTheLineAsItCame() {
        String line = "{ \"eventId\": \"e1\", \"occurredAt\": \"2026-03-02T09:00:00Z\", \"conversationId\": \"c1\","
                + " \"channel\": \"SMS\", \"type\": \"CONVERSATION_OPENED\" }";
        Rejection r = EventDecoder.live().decode(RawInput.json(line, 3)).rejection();
        assertThat(r.reason()).contains("requires customerId");
        assertThat(r.input()).as("the line, spaces and all").isEqualTo(line);
    }

    @Test
    void aValueOverTheSinksLimitIsCutWithItsOriginalLengthInAHeader() {
        byte[] huge = new byte[2_000_000];
        Arrays.fill(huge, (byte) 'x');
        Rejection r = EventDecoder.live().decode(RawInput.avro(huge, 1)).rejection().from("care.events-0@1");
        assertThat(r.input().length()).as("the text form stays small").isLessThan(2 * RawInput.DESCRIBED_BYTES + 40);
        ProducerRecord<byte[], byte[]> out = serializer.serialize(r, null, null);
        assertThat(out.value()).hasSize(DeadLetterSerializer.MAX_VALUE_BYTES);
        assertThat(header(out, DeadLetterSerializer.TRUNCATED)).isEqualTo("2000000");
        assertThat(header(out, DeadLetterSerializer.REASON)).isNotBlank();
    }
}

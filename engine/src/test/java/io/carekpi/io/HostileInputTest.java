package io.carekpi.io;

import static io.carekpi.schema.Channel.WHATSAPP;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.flink.TriageFunction;
import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventJson;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Hostile input never fails the decode stage and is never silently lost: each record is either a
 * valid event, an ignored-and-counted unknown type, or a dead letter with a reason. Seeded, so a
 * failure reproduces.
 */
class HostileInputTest {
    private static final long SEED = 20261123L;

    private static List<InteractionEvent> validEvents() {
        List<InteractionEvent> out = new ArrayList<>();
        ConversationScript c = conversation("c-hostile", WHATSAPP).customer("u1").queue("billing");
        out.addAll(c.at(0).opened().at(3).botMessage().at(40).assigned("alice").at(41).agentMessage("alice")
                .at(50).customerMessage().at(60).holdStarted().at(70).holdEnded().at(90).resolved("alice")
                .at(95).survey(SurveyKind.NPS, 9, null, null).at(96).articleViewed("kb-1", 1200).events());
        return out;
    }

    private static final EventDecoder DECODER = EventDecoder.live();

    /** Decodes as every source does: never throws, a reason when rejected. */
    private static String outcome(RawInput raw) {
        Decoded d = DECODER.decode(raw);
        if (d.isRejected()) {
            assertThat(d.rejection().reason()).isNotBlank();
            assertThat(d.rejection().seq()).isEqualTo(raw.seq());
            return "rejected";
        }
        return d.event().event().getType() == EventType.UNKNOWN ? "unknown-type" : "valid";
    }

    @Test
    void randomMutationsOfValidJsonLinesAreDecodedOrRejectedWithAReason() {
        Random r = new Random(SEED);
        List<String> lines = validEvents().stream().map(EventJson::encode).toList();
        String alphabet = "{}[]\":,0123456789-eE.tfnulSTRINGabcxyz\\ \u00e9\u2603\u0000";
        int[] outcomes = new int[4];
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder(lines.get(r.nextInt(lines.size())));
            for (int m = 1 + r.nextInt(4); m > 0 && s.length() > 0; m--) {
                int at = r.nextInt(s.length());
                switch (r.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    default -> s.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String o = outcome(RawInput.json(s.toString(), i));
            outcomes[List.of("rejected", "invalid", "unknown-type", "valid").indexOf(o)]++;
        }
        assertThat(outcomes[0]).as("most mutations break the record").isGreaterThan(1000);
        assertThat(Arrays.stream(outcomes).sum()).isEqualTo(5_000);
    }

    @Test
    void bitFlipsTruncationsAndRandomBytesInAvroNeverEscapeAsExceptions() {
        Random r = new Random(SEED + 1);
        List<byte[]> records = validEvents().stream().map(EventAvro::encode).toList();
        int cases = 0;
        for (byte[] valid : records) {
            for (int len = 0; len < valid.length; len++) {
                assertThat(outcome(RawInput.avro(Arrays.copyOf(valid, len), cases++))).isNotNull();
            }
        }
        for (int i = 0; i < 4_000; i++) {
            byte[] b = records.get(r.nextInt(records.size())).clone();
            for (int m = 1 + r.nextInt(3); m > 0; m--) {
                int at = r.nextInt(b.length);
                b[at] = (byte) (b[at] ^ (1 << r.nextInt(8)));
            }
            assertThat(outcome(RawInput.avro(b, cases++))).isNotNull();
        }
        for (int i = 0; i < 2_000; i++) {
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            if (i % 2 == 0 && b.length > 2) {
                b[0] = (byte) 0xC3; // looks like single-object encoding
                b[1] = 0x01;
            }
            assertThat(outcome(RawInput.avro(b, cases++))).isNotNull();
        }
        assertThat(cases).isGreaterThan(6_000);
    }

    @Test
    void namedHostileRecordsGetTheirReasons() {
        String base = "{\"eventId\":\"e1\",\"conversationId\":\"c1\",\"channel\":\"SMS\",";
        String now = "\"occurredAt\":\"2026-03-02T09:00:00Z\",";
        assertThat(reason(base + now + "\"type\":\"CUSTOMER_MESSAGE\",\"agentId\":\"" + "x".repeat(1_000_000) + "\"}"))
                .contains("agentId is 1000000 characters long");
        assertThat(reason(base + "\"occurredAt\":\"3026-01-01T00:00:00Z\",\"type\":\"CUSTOMER_MESSAGE\"}"))
                .contains("ahead of the clock");
        assertThat(reason(base + "\"occurredAt\":1000,\"type\":\"CUSTOMER_MESSAGE\"}")).contains("before 2000");
        assertThat(reason(base + now + "\"type\":\"CUSTOMER_MESSAGE\",\"queue\":42}")).contains("queue: expected a string");
        assertThat(reason(base + now + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"CES\",\"score\":99}}"))
                .contains("outside its scale");
        assertThat(reason(base + "\"occurredAt\":99999999999999999999,\"type\":\"CUSTOMER_MESSAGE\"}"))
                .contains("occurredAt");
        RawInput unknown = RawInput.json(base + now + "\"type\":\"CUSTOMER_TELEPORTED\"}", 1);
        assertThat(outcome(unknown)).isEqualTo("unknown-type");
    }

    @Test
    void bytesAfterAnAvroRecordAreARejectionInEitherEncoding() {
        InteractionEvent e = validEvents().get(0);
        byte[] singleObject = EventAvro.encode(e);
        byte[] bare = Arrays.copyOfRange(singleObject, 10, singleObject.length);
        for (byte[] record : List.of(singleObject, bare)) {
            byte[] longer = Arrays.copyOf(record, record.length + 2); // two zero bytes after the record
            Decoded d = DECODER.decode(RawInput.avro(longer, 1));
            assertThat(d.isRejected()).as("%s record with trailing bytes", record == bare ? "a bare" : "a single-object")
                    .isTrue();
            assertThat(d.rejection().reason()).contains("trailing bytes");
            assertThat(DECODER.decode(RawInput.avro(record, 1)).isRejected()).as("the record itself").isFalse();
        }
    }

    private static String reason(String line) {
        Decoded d = DECODER.decode(RawInput.json(line, 1));
        return d.isRejected() ? d.rejection().reason() : null;
    }

    @Test
    void theDecodeStageAccountsForEveryRecord() throws Exception {
        Random r = new Random(SEED + 2);
        List<String> lines = validEvents().stream().map(EventJson::encode).toList();
        int[] expected = new int[3];
        List<String> outcomes = List.of("rejected", "unknown-type", "valid");
        try (var harness = new OneInputStreamOperatorTestHarness<Decoded, DecodedEvent>(
                new ProcessOperator<>(new TriageFunction()))) {
            harness.open();
            int n = 3_000;
            for (int i = 0; i < n; i++) {
                String line = lines.get(r.nextInt(lines.size()));
                if (r.nextBoolean()) {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    b[r.nextInt(b.length)] = (byte) r.nextInt(128);
                    line = new String(b, StandardCharsets.UTF_8);
                }
                expected[outcomes.indexOf(outcome(RawInput.json(line, i)))]++;
                harness.processElement(new StreamRecord<>(DECODER.decode(RawInput.json(line, i))));
            }
            int deadLetters = harness.getSideOutput(TriageFunction.REJECTED) == null
                    ? 0 : harness.getSideOutput(TriageFunction.REJECTED).size();
            assertThat(harness.extractOutputValues()).hasSize(expected[2]);
            assertThat(deadLetters).isEqualTo(expected[0]).isPositive();
            assertThat(expected[2] + deadLetters + expected[1]).as("every record accounted for").isEqualTo(n);
        }
    }
}

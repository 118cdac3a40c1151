package io.carekpi.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.events.Decoded;
import io.carekpi.io.EventDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JSON Lines reader makes of a file's bytes: one record per line, every line accounted for. */
class JsonLinesFormatTest {
    private static final String EVENT = "{\"eventId\":\"e%d\",\"occurredAt\":\"2026-03-02T09:00:00Z\","
            + "\"conversationId\":\"c1\",\"channel\":\"SMS\",\"type\":\"CUSTOMER_MESSAGE\"}";

    @TempDir Path dir;

    private static String event(int i) {
        return String.format(EVENT, i);
    }

    private List<Decoded> read(byte[] file) throws Exception {
        Path f = dir.resolve("in.jsonl");
        Files.write(f, file);
        List<Decoded> out = new ArrayList<>();
        try (StreamFormat.Reader<Decoded> r = new JsonLinesFormat(EventDecoder.replay(null))
                .createReader(new Configuration(), new LocalDataInputStream(f.toFile()))) {
            for (Decoded d = r.read(); d != null; d = r.read()) {
                out.add(d);
            }
        }
        return out;
    }

    private static byte[] bytes(String... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : parts) {
            b.writeBytes(p.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void aLoneCarriageReturnInsideALineNeitherSplitsItNorShiftsLaterLineNumbers() throws Exception {
        List<Decoded> out = read(bytes(event(1).replace("\"type\"", "\r\"type\""), "\n", event(2), "\r\n", event(3), "\n"));
        assertThat(out).hasSize(3).allMatch(d -> !d.isRejected());
        assertThat(out).extracting(Decoded::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aByteOrderMarkAtTheStartOfTheFileIsSkipped() throws Exception {
        List<Decoded> out = read(bytes("\uFEFF", event(1), "\n", event(2), "\n"));
        assertThat(out).hasSize(2).allMatch(d -> !d.isRejected());
    }

    @Test
    void invalidUtf8IsRejectedWithItsReasonAndOriginalBytesNotReplaced() throws Exception {
        byte[] bad = bytes(event(1).replace("c1", "c\u00e91"));
        int at = new String(bad, StandardCharsets.UTF_8).indexOf('\u00e9');
        byte[] broken = bad.clone();
        broken[at + 1] = (byte) 0x28; // the second byte of é becomes '(': an invalid sequence
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(broken);
        file.writeBytes(bytes("\n", event(2), "\n"));
        List<Decoded> out = read(file.toByteArray());
        assertThat(out).hasSize(2);
        assertThat(out.get(0).rejection().reason()).contains("invalid UTF-8");
        assertThat(out.get(0).rejection().bytes()).as("the line's own bytes, for the dead letter").isEqualTo(broken);
        assertThat(out.get(1).isRejected()).isFalse();
        assertThat(out.get(1).seq()).isEqualTo(2);
    }

    @Test
    void aLineOverTheLimitIsADeadLetterAndTheNextLinesGoOn() throws Exception {
        String huge = "{\"eventId\":\"" + "x".repeat(JsonLinesFormat.MAX_LINE_BYTES + 10) + "\"}";
        List<Decoded> out = read(bytes(event(1), "\n", huge, "\n", event(3), "\n"));
        assertThat(out).hasSize(3);
        assertThat(out.get(1).rejection().reason()).contains("line of " + (huge.length()) + " bytes")
                .contains("at most " + JsonLinesFormat.MAX_LINE_BYTES);
        assertThat(out.get(1).rejection().input().length()).as("kept truncated").isLessThan(10_000);
        assertThat(out.get(2).isRejected()).isFalse();
        assertThat(out).extracting(Decoded::seq).containsExactly(1L, 2L, 3L);
    }
}

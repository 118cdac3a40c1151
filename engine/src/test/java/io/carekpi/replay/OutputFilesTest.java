package io.carekpi.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of the replay's output files: which records, in which order, as which bytes. */
class OutputFilesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> WINDOWS = List.of("1m", "15m", "1h", "1d");

    @TempDir Path dir;

    private static ObjectNode snapshot(String window, String start, String channel, long revision, int resolved) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("window", window);
        o.put("windowStart", start);
        o.put("windowEnd", "x");
        o.put("channel", channel);
        o.put("agent", "all");
        o.put("queue", "all");
        o.put("revision", revision);
        o.put("resolved", resolved);
        return o;
    }

    /** A part file as the job's sink writes it: each record's {@code toString()} in UTF-8 and a line end. */
    private Path part(String name, ObjectNode... records) throws IOException {
        Path f = dir.resolve("parts").resolve(name);
        Files.createDirectories(f.getParent());
        StringBuilder s = new StringBuilder();
        for (ObjectNode r : records) {
            s.append(r.toString()).append('\n');
        }
        Files.write(f, s.toString().getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private List<String> lines(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8);
    }

    @Test
    void theLatestRevisionOfASnapshotKeyWinsWhereverItIsReadAndTheFirstReadOfEqualRevisions() throws Exception {
        part("part-0-0", snapshot("1h", "T10", "VOICE", 1, 1), snapshot("1h", "T10", "VOICE", 3, 3),
                snapshot("1h", "T10", "SMS", 2, 20));
        part("part-1-0", snapshot("1h", "T10", "VOICE", 2, 2), snapshot("1h", "T10", "SMS", 2, 21),
                snapshot("1h", "T10", "SMS", 1, 10));
        // a hidden (in-progress) file is not read
        Files.writeString(dir.resolve("parts/.part-2-0.inprogress"), snapshot("1h", "T10", "VOICE", 9, 9) + "\n");
        Path out = dir.resolve("kpis.jsonl");

        long n = OutputFiles.writeLatestSnapshots(dir.resolve("parts"), WINDOWS, out);

        assertThat(n).isEqualTo(2);
        assertThat(lines(out)).containsExactly(
                snapshot("1h", "T10", "SMS", 2, 20).toString(),
                snapshot("1h", "T10", "VOICE", 3, 3).toString());
    }

    @Test
    void snapshotsAreInTheConfiguredWindowOrderThenStartChannelAgentQueue() throws Exception {
        part("part-0-0", snapshot("1d", "A", "VOICE", 1, 0), snapshot("1m", "B", "VOICE", 1, 0),
                snapshot("1h", "A", "VOICE", 1, 0), snapshot("15m", "A", "VOICE", 1, 0),
                snapshot("1m", "A", "VOICE", 1, 0), snapshot("1m", "A", "SMS", 1, 0),
                snapshot("1m", "A", "all", 1, 0));
        Path out = dir.resolve("kpis.jsonl");

        OutputFiles.writeLatestSnapshots(dir.resolve("parts"), WINDOWS, out);

        assertThat(lines(out)).extracting(l -> MAPPER.readTree(l).get("window").asText() + " "
                        + MAPPER.readTree(l).get("windowStart").asText() + " " + MAPPER.readTree(l).get("channel").asText())
                .containsExactly("1m A SMS", "1m A VOICE", "1m A all", "1m B VOICE", "15m A VOICE", "1h A VOICE",
                        "1d A VOICE");
    }

    @Test
    void outputLinesAreWhatJacksonWritesForThePartLinesParsed() throws Exception {
        String nasty = "quote \" backslash \\ tab \t newline \n cr \r nul \u0000 del \u007f é 中 😀 lone \ud800 end \u2028";
        List<ObjectNode> records = new ArrayList<>();
        double[] doubles = {0.1, 1.0 / 3, 1e10, 1.5e-7, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 12345678.9};
        for (int i = 0; i < doubles.length; i++) {
            ObjectNode o = snapshot("1m", "T" + i, nasty, 1, 0);
            o.put("service_level", doubles[i]);
            o.put("big", Long.MAX_VALUE - i);
            o.putNull("csat");
            o.put("isFinal", i % 2 == 0);
            records.add(o);
        }
        Path partFile = part("part-0-0", records.toArray(new ObjectNode[0]));
        Path out = dir.resolve("kpis.jsonl");

        OutputFiles.writeLatestSnapshots(dir.resolve("parts"), WINDOWS, out);

        // the rule before the part lines were passed through: every line parsed and written again
        StringBuilder expected = new StringBuilder();
        for (String line : Files.readAllLines(partFile, StandardCharsets.UTF_8)) {
            expected.append(MAPPER.readTree(line).toString()).append('\n');
        }
        assertThat(new String(Files.readAllBytes(out), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        assertThat(lines(out)).hasSize(doubles.length);
    }

    private static ObjectNode rejection(long line, String reason, Long unreadBlocks, Long records) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("line", line);
        o.put("reason", reason);
        o.put("input", "{\"eventId\": \"" + line + "\"}");
        if (unreadBlocks != null) {
            o.put("unreadBlocks", unreadBlocks);
            if (records == null) {
                o.putNull("records");
            } else {
                o.put("records", records);
            }
        }
        return o;
    }

    @Test
    void rejectionsAreByLineNumberThenReasonAndCountTheRecordsOfUnreadBlocks() throws Exception {
        part("part-0-0", rejection(10, "b", null, null), rejection(9, "z", null, null),
                rejection(100, "blocks", 2L, 7L));
        part("part-1-0", rejection(10, "a", null, null), rejection(200, "blocks", 1L, null));
        Path out = dir.resolve("rejected.jsonl");

        OutputFiles.Rejections r = OutputFiles.writeRejections(dir.resolve("parts"), out);

        assertThat(lines(out)).containsExactly(rejection(9, "z", null, null).toString(),
                rejection(10, "a", null, null).toString(), rejection(10, "b", null, null).toString(),
                rejection(100, "blocks", 2L, 7L).toString(), rejection(200, "blocks", 1L, null).toString());
        assertThat(r).isEqualTo(new OutputFiles.Rejections(5, 3 + 7 + 1, 2, 7, 1));
    }

    @Test
    void conversationsAreByIdThenSequenceAsANumberAndSlaEventsByEmittedForThenId() throws Exception {
        ObjectNode[] conversations = new ObjectNode[4];
        String[][] keys = {{"c-2", "1"}, {"c-1", "10"}, {"c-1", "9"}, {"c-10", "1"}};
        for (int i = 0; i < keys.length; i++) {
            conversations[i] = MAPPER.createObjectNode().put("conversationId", keys[i][0])
                    .put("sequence", Integer.parseInt(keys[i][1])).put("trigger", "t" + i);
        }
        part("conversations/part-0-0", conversations);
        part("sla/part-0-0",
                MAPPER.createObjectNode().put("slaEventId", "b").put("emittedFor", "2026-03-02T10:00:00Z"),
                MAPPER.createObjectNode().put("slaEventId", "a").put("emittedFor", "2026-03-02T10:00:01Z"),
                MAPPER.createObjectNode().put("slaEventId", "a").put("emittedFor", "2026-03-02T10:00:00Z"));

        OutputFiles.writeConversations(dir.resolve("parts/conversations"), dir.resolve("conversations.jsonl"));
        OutputFiles.writeSlaEvents(dir.resolve("parts/sla"), dir.resolve("sla.jsonl"));

        assertThat(lines(dir.resolve("conversations.jsonl"))).extracting(l -> l.substring(0, l.indexOf(",\"trigger")))
                .containsExactly("{\"conversationId\":\"c-1\",\"sequence\":9", "{\"conversationId\":\"c-1\",\"sequence\":10",
                        "{\"conversationId\":\"c-10\",\"sequence\":1", "{\"conversationId\":\"c-2\",\"sequence\":1");
        assertThat(lines(dir.resolve("sla.jsonl"))).extracting(l -> MAPPER.readTree(l).get("slaEventId").asText()
                + "@" + MAPPER.readTree(l).get("emittedFor").asText().substring(17))
                .containsExactly("a@00Z", "b@00Z", "a@01Z");
    }

    @Test
    void linesLongerThanTheReadBufferAndALastLineWithoutLineEndAreRead() throws Exception {
        Path f = dir.resolve("parts/part-0-0");
        Files.createDirectories(f.getParent());
        String big = "x".repeat(3 << 20);
        Files.writeString(f, "{\"a\":1}\n{\"a\":\"" + big + "\"}\n" + "{\"a\":3}");
        List<Integer> lengths = new ArrayList<>();
        OutputFiles.forEachLine(dir.resolve("parts"), (buf, off, len) -> lengths.add(len));
        assertThat(lengths).containsExactly(7, big.length() + 8, 7);
        assertThat(OutputFiles.countLines(dir.resolve("parts"))).isEqualTo(3);
    }
}

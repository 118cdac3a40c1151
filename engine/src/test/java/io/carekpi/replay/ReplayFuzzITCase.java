package io.carekpi.replay;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.cli.CareKpiCli;
import io.carekpi.config.EngineConfig;
import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.MiniClusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz suite over the replay entry point on JSON Lines files (issue 14). Each try builds a
 * base file of valid conversations, then mutates most of its lines with mutations of known effect.
 * The oracle never calls the decoder: every mutation kind carries its expected class (accepted,
 * rejected, unknown type, duplicate, or a blank line that is no record), so the test knows each
 * physical line's class and number before the replay runs. Properties, per try:
 *
 * <ul>
 *   <li>accounting: {@code records()} is the number of non-blank lines and each class count is the
 *       oracle's; {@code rejected.jsonl} holds exactly the rejected line numbers, each once;
 *   <li>isolation: {@code kpis.jsonl}, {@code sla.jsonl} and {@code conversations.jsonl} of the
 *       mutated file are byte-identical to those of the base file with the rejected and unknown-type
 *       lines removed (duplicates, blank lines and neutral rewrites add nothing);
 *   <li>neutral: a file with every line rewritten neutrally, replayed with the {@code replay}
 *       command, gives byte-identical outputs and no rejection.
 * </ul>
 *
 * The seed of a failing try is in the failure message; rerun one with {@code -Dcarekpi.fuzz.seed=N
 * -Dcarekpi.fuzz.tries=1}. {@code -Dcarekpi.fuzz.tries=200} runs longer.
 */
class ReplayFuzzITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final int TRIES = Integer.getInteger("carekpi.fuzz.tries", 12);
    private static final long SEED = Long.getLong("carekpi.fuzz.seed", 20260301L);
    private static final int CONVERSATIONS = 60;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> OUTPUTS = List.of("kpis.jsonl", "sla.jsonl", "conversations.jsonl");

    @TempDir Path dir;

    enum Expect { ACCEPTED, REJECTED, UNKNOWN_TYPE, DUPLICATE, BLANK }

    /** One physical line of a mutated file: its bytes (no {@code \n}), expected class, and origin. */
    record Line(byte[] bytes, Expect expect, int base, String mutation) {}

    record Mutation(String name, Expect expect, BiFunction<String, Random, byte[]> apply) {}

    // ---- neutral rewrites: the same event, written otherwise ----

    private static final List<Mutation> NEUTRAL = List.of(
            new Mutation("keys reordered", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                o.fields().forEachRemaining(fields::add);
                Collections.shuffle(fields, r);
                ObjectNode out = MAPPER.createObjectNode();
                fields.forEach(f -> out.set(f.getKey(), f.getValue()));
                return utf8(out.toString());
            }),
            new Mutation("whitespace", Expect.ACCEPTED, (l, r) ->
                    utf8(" \t" + l.replace("\":", "\" :\t").replace(",\"", " ,  \"").replace("{", "{ ") + "  ")),
            new Mutation("unknown field", Expect.ACCEPTED, (l, r) ->
                    utf8(l.replaceFirst("\\{", "{\"x-fuzz\":{\"n\":[1,2.5,null,\"s\"]},"))),
            new Mutation("CRLF ending", Expect.ACCEPTED, (l, r) -> utf8(l + "\r")),
            new Mutation("lone CR between tokens", Expect.ACCEPTED, (l, r) -> utf8(l.replaceFirst(",", ",\r"))),
            new Mutation("occurredAt as epoch millis", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("occurredAt", Instant.parse(o.get("occurredAt").asText()).toEpochMilli());
                return utf8(o.toString());
            }),
            new Mutation("occurredAt with an offset", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("occurredAt", Instant.parse(o.get("occurredAt").asText())
                        .atOffset(ZoneOffset.ofHours(r.nextInt(25) - 12)).toString());
                return utf8(o.toString());
            }),
            new Mutation("unicode escape in an id", Expect.ACCEPTED, (l, r) ->
                    utf8(l.replace("\"conversationId\":\"c", "\"conversationId\":\"\\u0063"))),
            new Mutation("empty optional field", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                if (!o.has("queue")) {
                    o.put("queue", "");
                }
                return utf8(o.toString());
            }));

    // ---- rejecting mutations: the record must be rejected, and nothing else changes ----

    private static final List<Mutation> REJECTING = List.of(
            new Mutation("truncated", Expect.REJECTED, (l, r) -> Arrays.copyOf(utf8(l), 1 + r.nextInt(l.length() - 1))),
            new Mutation("second object", Expect.REJECTED, (l, r) -> utf8(l + "{\"eventId\":\"x\"}")),
            new Mutation("trailing token", Expect.REJECTED, (l, r) -> utf8(l + " true")),
            new Mutation("key twice", Expect.REJECTED, (l, r) -> utf8(l.replaceFirst("\\{", "{\"conversationId\":\"c-twice\","))),
            new Mutation("not an object", Expect.REJECTED, (l, r) -> utf8(r.nextBoolean() ? "[" + l + "]" : "\"" + r.nextInt() + "\"")),
            new Mutation("no eventId", Expect.REJECTED, (l, r) -> remove(l, "eventId")),
            new Mutation("empty eventId", Expect.REJECTED, (l, r) -> put(l, "eventId", "")),
            new Mutation("no occurredAt", Expect.REJECTED, (l, r) -> remove(l, "occurredAt")),
            new Mutation("no conversationId", Expect.REJECTED, (l, r) -> remove(l, "conversationId")),
            new Mutation("occurredAt not a time", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "yesterday at noon")),
            new Mutation("occurredAt before 2000", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "1999-12-31T23:59:59Z")),
            new Mutation("occurredAt from 2200", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "2200-01-01T00:00:00Z")),
            new Mutation("control character in conversationId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                char c = r.nextInt(4) == 0 ? '\u007f' : (char) r.nextInt(0x20);
                o.put("conversationId", o.get("conversationId").asText() + c);
                return utf8(o.toString());
            }),
            new Mutation("eventId of 257 characters", Expect.REJECTED, (l, r) -> put(l, "eventId", "e".repeat(257))),
            new Mutation("NPS score 11", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "SURVEY_RESPONSE");
                o.remove("article");
                o.putObject("survey").put("kind", "NPS").put("score", 11).put("scaleMax", 10);
                return utf8(o.toString());
            }),
            new Mutation("negative dwellMs", Expect.REJECTED, (l, r) -> article(l, -1 - r.nextInt(1000))),
            new Mutation("dwellMs over a day", Expect.REJECTED, (l, r) -> article(l, 86_400_001L + r.nextInt(1000))),
            new Mutation("survey scaleMax 1", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "SURVEY_RESPONSE");
                o.remove("article");
                o.putObject("survey").put("kind", "CSAT").put("score", 1).put("scaleMax", 1);
                return utf8(o.toString());
            }),
            new Mutation("agent assigned without agentId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "AGENT_ASSIGNED");
                o.remove("agentId");
                return utf8(o.toString());
            }),
            new Mutation("opened without customerId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "CONVERSATION_OPENED");
                o.remove("customerId");
                return utf8(o.toString());
            }),
            new Mutation("invalid UTF-8", Expect.REJECTED, (l, r) -> {
                byte[] bytes = utf8(l);
                byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
                byte[] b = bad[r.nextInt(bad.length)];
                int at = l.indexOf("\"eventId\":\"") + "\"eventId\":\"".length(); // inside a string value
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(bytes, 0, at);
                out.write(b, 0, b.length);
                out.write(bytes, at, bytes.length - at);
                return out.toByteArray();
            }));

    private static final Mutation UNKNOWN_TYPE = new Mutation("a newer producer's type", Expect.UNKNOWN_TYPE,
            (l, r) -> put(l, "type", "HOLOGRAM_CALL_" + r.nextInt(10)));

    private static final Mutation OVERSIZE = new Mutation("line over 1 MiB", Expect.REJECTED,
            (l, r) -> utf8(l.replaceFirst("\\{", "{\"pad\":\"" + "x".repeat((1 << 20) + r.nextInt(4096)) + "\",")));

    @Test
    void everyMutatedRecordIsClassifiedAsItsMutationSaysAndChangesNothingElse() throws Exception {
        int mutated = 0;
        for (int t = 0; t < TRIES; t++) {
            long seed = SEED + t;
            mutated += runTry(seed, dir.resolve("try-" + t));
        }
        System.out.println("ReplayFuzzITCase: " + TRIES + " tries, " + mutated + " mutated records");
    }

    @Test
    void neutralRewritesOfEveryLineGiveByteIdenticalOutputs() throws Exception {
        Random r = new Random(SEED - 1);
        List<String> base = baseFile(r);
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            Mutation m = NEUTRAL.get(r.nextInt(NEUTRAL.size()));
            lines.add(new Line(m.apply().apply(base.get(i), r), Expect.ACCEPTED, i, m.name()));
        }
        Path work = dir.resolve("neutral");
        Files.createDirectories(work);
        Path in = write(work.resolve("neutral.jsonl"), lines, true);
        Path baseIn = write(work.resolve("base.jsonl"), unchanged(base), false);
        // the rewritten file through the command line, the base file through Replay.run
        assertThat(CareKpiCli.run("replay", "--input", in.toString(), "--output", work.resolve("out").toString()))
                .isZero();
        ReplayResult want = replay(baseIn, work.resolve("base-out"));
        String seedNote = "seed " + (SEED - 1);
        assertThat(want.records()).isEqualTo(want.accepted()).isEqualTo(base.size());
        assertThat(Files.readAllLines(work.resolve("out").resolve("rejected.jsonl"))).as(seedNote).isEmpty();
        for (String f : OUTPUTS) {
            assertThat(Files.readString(work.resolve("out").resolve(f))).as(seedNote + ": " + f)
                    .isEqualTo(Files.readString(work.resolve("base-out").resolve(f)));
        }
    }

    /** One try: a mutated file and its reference replayed, the properties checked; the mutated count. */
    private int runTry(long seed, Path work) throws Exception {
        Random r = new Random(seed);
        List<String> base = baseFile(r);
        List<Line> lines = new ArrayList<>();
        boolean oversizeUsed = false;
        for (int i = 0; i < base.size(); i++) {
            String l = base.get(i);
            if (r.nextInt(8) == 0) {
                String[] blanks = {"", "   ", "\t", " \t \r"};
                lines.add(new Line(utf8(blanks[r.nextInt(blanks.length)]), Expect.BLANK, -1, "blank line"));
            }
            int dice = r.nextInt(100);
            Mutation m;
            if (dice < 25) {
                m = null;
            } else if (dice < 55) {
                m = NEUTRAL.get(r.nextInt(NEUTRAL.size()));
            } else if (dice < 60) {
                m = UNKNOWN_TYPE;
            } else if (!oversizeUsed && dice == 60) {
                m = OVERSIZE;
                oversizeUsed = true;
            } else {
                m = REJECTING.get(r.nextInt(REJECTING.size()));
            }
            lines.add(m == null ? new Line(utf8(l), Expect.ACCEPTED, i, "none")
                    : new Line(m.apply().apply(l, r), m.expect(), i, m.name()));
        }
        // repeats of accepted records later in the file, verbatim or rewritten neutrally
        int copies = base.size() / 8;
        for (int k = 0; k < copies; k++) {
            int from = r.nextInt(lines.size());
            Line original = lines.get(from);
            if (original.expect() != Expect.ACCEPTED) {
                continue;
            }
            String text = base.get(original.base());
            byte[] copy = r.nextBoolean() ? utf8(text) : NEUTRAL.get(r.nextInt(NEUTRAL.size())).apply().apply(text, r);
            int at = from + 1 + r.nextInt(lines.size() - from);
            lines.add(at, new Line(copy, Expect.DUPLICATE, original.base(), "repeated"));
        }
        boolean bom = r.nextInt(3) == 0;

        Files.createDirectories(work);
        Path in = write(work.resolve("mutated.jsonl"), lines, bom);
        boolean[] removed = new boolean[base.size()];
        long[] want = new long[Expect.values().length];
        List<Long> rejectedLines = new ArrayList<>();
        Map<Long, String> mutationOfLine = new TreeMap<>();
        int mutated = 0;
        for (int n = 0; n < lines.size(); n++) {
            Line line = lines.get(n);
            want[line.expect().ordinal()]++;
            mutationOfLine.put(n + 1L, line.mutation());
            if (!line.mutation().equals("none") && line.expect() != Expect.BLANK) {
                mutated++;
            }
            if (line.expect() == Expect.REJECTED) {
                rejectedLines.add(n + 1L);
            }
            if (line.expect() == Expect.REJECTED || line.expect() == Expect.UNKNOWN_TYPE) {
                removed[line.base()] = true;
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (!removed[i]) {
                kept.add(base.get(i));
            }
        }
        Path ref = write(work.resolve("reference.jsonl"), unchanged(kept), false);

        ReplayResult got = replay(in, work.resolve("out"));
        ReplayResult reference = replay(ref, work.resolve("reference-out"));
        String note = "seed " + seed + " (rerun: -Dcarekpi.fuzz.seed=" + seed + " -Dcarekpi.fuzz.tries=1), files in " + work;

        // accounting
        assertThat(got.records()).as(note + ": records = non-blank lines")
                .isEqualTo(lines.size() - want[Expect.BLANK.ordinal()]);
        List<Long> gotRejected = new ArrayList<>();
        for (String json : Files.readAllLines(work.resolve("out").resolve("rejected.jsonl"))) {
            JsonNode rejection = MAPPER.readTree(json);
            long n = rejection.get("line").asLong();
            gotRejected.add(n);
            Line line = n >= 1 && n <= lines.size() ? lines.get((int) n - 1) : null;
            if (line != null && line.bytes().length < 4096 && isUtf8(line.bytes())) {
                assertThat(rejection.get("input").asText()).as(note + ": line " + n + " kept as it came")
                        .isEqualTo(new String(line.bytes(), StandardCharsets.UTF_8));
                assertThat(rejection.get("reason").asText()).as(note + ": line " + n + " has a reason").isNotBlank();
            }
        }
        List<String> explained = new ArrayList<>();
        for (Long n : symmetricDifference(gotRejected, rejectedLines)) {
            explained.add("line " + n + " (" + mutationOfLine.get(n) + ")");
        }
        assertThat(explained).as(note + ": rejected lines differing from the oracle's").isEmpty();
        assertThat(gotRejected).as(note + ": each rejected line once, in order").isEqualTo(rejectedLines);
        assertThat(got.rejected()).as(note + ": rejected").isEqualTo(rejectedLines.size());
        assertThat(got.accepted()).as(note + ": accepted").isEqualTo(want[Expect.ACCEPTED.ordinal()]);
        assertThat(got.duplicates()).as(note + ": duplicates").isEqualTo(want[Expect.DUPLICATE.ordinal()]);
        assertThat(got.unknownTypes()).as(note + ": unknown types").isEqualTo(want[Expect.UNKNOWN_TYPE.ordinal()]);
        assertThat(got.late()).as(note + ": late").isZero();

        // isolation: the mutated file's effect is the reference's
        assertThat(got.accepted()).as(note).isEqualTo(reference.accepted());
        assertThat(reference.records()).as(note).isEqualTo(reference.accepted());
        for (String f : OUTPUTS) {
            assertThat(Files.readString(work.resolve("out").resolve(f))).as(note + ": " + f)
                    .isEqualTo(Files.readString(work.resolve("reference-out").resolve(f)));
        }
        return mutated;
    }

    private static List<Long> symmetricDifference(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>();
        a.stream().filter(x -> !b.contains(x)).forEach(out::add);
        b.stream().filter(x -> !a.contains(x)).forEach(out::add);
        return out;
    }

    /** A base file of valid events: every line one encoded event, in time order per conversation. */
    private static List<String> baseFile(Random r) {
        Channel[] channels = Arrays.stream(Channel.values()).filter(c -> c != Channel.UNKNOWN).toArray(Channel[]::new);
        List<InteractionEvent> events = new ArrayList<>();
        for (int k = 0; k < CONVERSATIONS; k++) {
            ConversationScript c = conversation("c-" + k, channels[r.nextInt(channels.length)])
                    .customer("u-" + r.nextInt(CONVERSATIONS / 3));
            if (r.nextBoolean()) {
                c.queue("q-" + r.nextInt(3));
            }
            double t = r.nextInt(4 * 3600);
            String agent = "a-" + r.nextInt(5);
            c.at(t).opened();
            c.at(t += 1 + r.nextInt(30)).customerMessage();
            if (r.nextInt(4) == 0) {
                c.at(t += 1 + r.nextInt(60)).botMessage();
            }
            if (r.nextInt(5) == 0) {
                c.at(t += 1 + r.nextInt(300)).articleViewed("kb-" + r.nextInt(4), r.nextInt(120_000));
            }
            if (r.nextInt(6) == 0) {
                c.at(t += 1 + r.nextInt(60)).deflected();
            } else {
                c.at(t += 1 + r.nextInt(600)).assigned(agent);
                c.at(t += 1 + r.nextInt(120)).agentMessage(agent);
                if (r.nextInt(4) == 0) {
                    c.at(t += 1 + r.nextInt(60)).holdStarted().at(t += 1 + r.nextInt(300)).holdEnded();
                }
                if (r.nextInt(5) == 0) {
                    agent = "a-" + r.nextInt(5);
                    c.at(t += 1 + r.nextInt(60)).transferred(agent).at(t += 1 + r.nextInt(60)).assigned(agent);
                }
                c.at(t += 1 + r.nextInt(60)).customerMessage().at(t += 1 + r.nextInt(60)).agentMessage(agent);
                c.at(t += 1 + r.nextInt(60)).resolved(agent);
                if (r.nextBoolean()) {
                    if (r.nextBoolean()) {
                        c.at(t += 1 + r.nextInt(600)).survey(SurveyKind.CSAT, 1 + r.nextInt(5), null, agent);
                    } else {
                        c.at(t += 1 + r.nextInt(600)).survey(SurveyKind.NPS, r.nextInt(11), null, agent);
                    }
                }
                if (r.nextInt(6) == 0) {
                    c.at(t += 1 + r.nextInt(3600)).reopened().at(t += 1 + r.nextInt(60)).customerMessage()
                            .at(t += 1 + r.nextInt(300)).resolved(agent);
                }
            }
            c.at(t + 1 + r.nextInt(60)).closed();
            events.addAll(c.events());
        }
        // interleave conversations (a file is not sorted), keeping each conversation's order
        List<String> out = new ArrayList<>();
        List<Iterator<InteractionEvent>> open = new ArrayList<>();
        Map<String, List<InteractionEvent>> byConversation = new TreeMap<>();
        events.forEach(e -> byConversation.computeIfAbsent(e.getConversationId(), x -> new ArrayList<>()).add(e));
        byConversation.values().forEach(l -> open.add(l.iterator()));
        while (!open.isEmpty()) {
            int i = r.nextInt(open.size());
            out.add(EventJson.encode(open.get(i).next()));
            if (!open.get(i).hasNext()) {
                open.remove(i);
            }
        }
        return out;
    }

    private static List<Line> unchanged(List<String> base) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            lines.add(new Line(utf8(base.get(i)), Expect.ACCEPTED, i, "none"));
        }
        return lines;
    }

    private static Path write(Path file, List<Line> lines, boolean bom) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (bom) {
            out.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        }
        for (Line l : lines) {
            out.write(l.bytes());
            out.write('\n');
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    private static ReplayResult replay(Path in, Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return Replay.run(env, in, out, EngineConfig.defaults());
    }

    private static ObjectNode parse(String line) {
        try {
            return (ObjectNode) MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] remove(String line, String field) {
        ObjectNode o = parse(line);
        o.remove(field);
        return utf8(o.toString());
    }

    private static byte[] put(String line, String field, String value) {
        ObjectNode o = parse(line);
        o.put(field, value);
        return utf8(o.toString());
    }

    private static byte[] article(String line, long dwellMs) {
        ObjectNode o = parse(line);
        o.put("type", "ARTICLE_VIEWED");
        o.remove("survey");
        o.putObject("article").put("articleId", "kb-fuzz").put("dwellMs", dwellMs);
        return utf8(o.toString());
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

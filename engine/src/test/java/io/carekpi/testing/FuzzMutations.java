package io.carekpi.testing;

import static io.carekpi.testing.ConversationScript.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

/**
 * Seeded mutations of valid events with known effect, for the fuzz suites (replay of files,
 * the live job's Kafka source). The oracle never calls the decoder: every mutation carries its
 * expected class. Mutations work on an event's JSON line; {@link Mutation#eventLevel() event-level}
 * ones change only field values, so the mutated line is still an event that any wire format can
 * carry (the Kafka suite sends them as Avro); the others are about the JSON text itself.
 */
public final class FuzzMutations {
    private FuzzMutations() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What must become of a record. */
    public enum Expect { ACCEPTED, REJECTED, UNKNOWN_TYPE, DUPLICATE, BLANK }

    /**
     * @param eventLevel the mutated line is a (possibly invalid) event with the same fields: it can
     *     be carried by other wire formats than JSON
     */
    public record Mutation(String name, Expect expect, boolean eventLevel, BiFunction<String, Random, byte[]> apply) {
        static Mutation textOnly(String name, Expect expect, BiFunction<String, Random, byte[]> apply) {
            return new Mutation(name, expect, false, apply);
        }

        static Mutation eventLevel(String name, Expect expect, BiFunction<String, Random, byte[]> apply) {
            return new Mutation(name, expect, true, apply);
        }
    }

    // ---- neutral rewrites: the same event, written otherwise ----

    public static final List<Mutation> NEUTRAL = List.of(
            Mutation.textOnly("keys reordered", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                o.fields().forEachRemaining(fields::add);
                Collections.shuffle(fields, r);
                ObjectNode out = MAPPER.createObjectNode();
                fields.forEach(f -> out.set(f.getKey(), f.getValue()));
                return utf8(out.toString());
            }),
            Mutation.textOnly("whitespace", Expect.ACCEPTED, (l, r) ->
                    utf8(" \t" + l.replace("\":", "\" :\t").replace(",\"", " ,  \"").replace("{", "{ ") + "  ")),
            Mutation.textOnly("unknown field", Expect.ACCEPTED, (l, r) ->
                    utf8(l.replaceFirst("\\{", "{\"x-fuzz\":{\"n\":[1,2.5,null,\"s\"]},"))),
            Mutation.textOnly("CRLF ending", Expect.ACCEPTED, (l, r) -> utf8(l + "\r")),
            Mutation.textOnly("lone CR between tokens", Expect.ACCEPTED, (l, r) -> utf8(l.replaceFirst(",", ",\r"))),
            Mutation.textOnly("occurredAt as epoch millis", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("occurredAt", Instant.parse(o.get("occurredAt").asText()).toEpochMilli());
                return utf8(o.toString());
            }),
            Mutation.textOnly("occurredAt with an offset", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("occurredAt", Instant.parse(o.get("occurredAt").asText())
                        .atOffset(ZoneOffset.ofHours(r.nextInt(25) - 12)).toString());
                return utf8(o.toString());
            }),
            Mutation.textOnly("unicode escape in an id", Expect.ACCEPTED, (l, r) ->
                    utf8(l.replace("\"conversationId\":\"c", "\"conversationId\":\"\\u0063"))),
            Mutation.textOnly("empty optional field", Expect.ACCEPTED, (l, r) -> {
                ObjectNode o = parse(l);
                if (!o.has("queue")) {
                    o.put("queue", "");
                }
                return utf8(o.toString());
            }));

    // ---- rejecting mutations: the record must be rejected, and nothing else changes ----

    public static final List<Mutation> REJECTING = List.of(
            Mutation.textOnly("truncated", Expect.REJECTED, (l, r) -> Arrays.copyOf(utf8(l), 1 + r.nextInt(l.length() - 1))),
            Mutation.textOnly("second object", Expect.REJECTED, (l, r) -> utf8(l + "{\"eventId\":\"x\"}")),
            Mutation.textOnly("trailing token", Expect.REJECTED, (l, r) -> utf8(l + " true")),
            Mutation.textOnly("key twice", Expect.REJECTED, (l, r) -> utf8(l.replaceFirst("\\{", "{\"conversationId\":\"c-twice\","))),
            Mutation.textOnly("not an object", Expect.REJECTED, (l, r) -> utf8(r.nextBoolean() ? "[" + l + "]" : "\"" + r.nextInt() + "\"")),
            Mutation.textOnly("no eventId", Expect.REJECTED, (l, r) -> remove(l, "eventId")),
            Mutation.eventLevel("empty eventId", Expect.REJECTED, (l, r) -> put(l, "eventId", "")),
            Mutation.textOnly("no occurredAt", Expect.REJECTED, (l, r) -> remove(l, "occurredAt")),
            Mutation.textOnly("no conversationId", Expect.REJECTED, (l, r) -> remove(l, "conversationId")),
            Mutation.textOnly("occurredAt not a time", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "yesterday at noon")),
            Mutation.eventLevel("occurredAt before 2000", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "1999-12-31T23:59:59Z")),
            Mutation.eventLevel("occurredAt from 2200", Expect.REJECTED, (l, r) -> put(l, "occurredAt", "2200-01-01T00:00:00Z")),
            Mutation.eventLevel("control character in conversationId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                char c = r.nextInt(4) == 0 ? '\u007f' : (char) r.nextInt(0x20);
                o.put("conversationId", o.get("conversationId").asText() + c);
                return utf8(o.toString());
            }),
            Mutation.eventLevel("eventId of 257 characters", Expect.REJECTED, (l, r) -> put(l, "eventId", "e".repeat(257))),
            Mutation.eventLevel("NPS score 11", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "SURVEY_RESPONSE");
                o.remove("article");
                o.putObject("survey").put("kind", "NPS").put("score", 11).put("scaleMax", 10);
                return utf8(o.toString());
            }),
            Mutation.eventLevel("negative dwellMs", Expect.REJECTED, (l, r) -> article(l, -1 - r.nextInt(1000))),
            Mutation.eventLevel("dwellMs over a day", Expect.REJECTED, (l, r) -> article(l, 86_400_001L + r.nextInt(1000))),
            Mutation.eventLevel("survey scaleMax 1", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "SURVEY_RESPONSE");
                o.remove("article");
                o.putObject("survey").put("kind", "CSAT").put("score", 1).put("scaleMax", 1);
                return utf8(o.toString());
            }),
            Mutation.eventLevel("agent assigned without agentId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "AGENT_ASSIGNED");
                o.remove("agentId");
                return utf8(o.toString());
            }),
            Mutation.eventLevel("opened without customerId", Expect.REJECTED, (l, r) -> {
                ObjectNode o = parse(l);
                o.put("type", "CONVERSATION_OPENED");
                o.remove("customerId");
                return utf8(o.toString());
            }),
            Mutation.textOnly("invalid UTF-8", Expect.REJECTED, (l, r) -> {
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

    public static final Mutation UNKNOWN_TYPE = Mutation.eventLevel("a newer producer's type", Expect.UNKNOWN_TYPE,
            (l, r) -> put(l, "type", "HOLOGRAM_CALL_" + r.nextInt(10)));

    public static final Mutation OVERSIZE = Mutation.textOnly("line over 1 MiB", Expect.REJECTED,
            (l, r) -> utf8(l.replaceFirst("\\{", "{\"pad\":\"" + "x".repeat((1 << 20) + r.nextInt(4096)) + "\",")));

    /**
     * Valid events of {@code conversations} conversations drawn from {@code r}, each conversation in
     * time order, all conversations one after another (not interleaved).
     */
    public static List<InteractionEvent> conversations(Random r, int conversations) {
        Channel[] channels = Arrays.stream(Channel.values()).filter(c -> c != Channel.UNKNOWN).toArray(Channel[]::new);
        List<InteractionEvent> events = new ArrayList<>();
        for (int k = 0; k < conversations; k++) {
            ConversationScript c = conversation("c-" + k, channels[r.nextInt(channels.length)])
                    .customer("u-" + r.nextInt(conversations / 3));
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
        return events;
    }

    /**
     * {@link #conversations} as JSON lines, conversations interleaved at random (a file is not
     * sorted), each conversation's events in order.
     */
    public static List<String> interleavedLines(Random r, int conversations) {
        List<InteractionEvent> events = conversations(r, conversations);
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

    public static ObjectNode parse(String line) {
        try {
            return (ObjectNode) MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON line without {@code field}. */
    public static byte[] remove(String line, String field) {
        ObjectNode o = parse(line);
        o.remove(field);
        return utf8(o.toString());
    }

    public static byte[] put(String line, String field, String value) {
        ObjectNode o = parse(line);
        o.put(field, value);
        return utf8(o.toString());
    }

    public static byte[] article(String line, long dwellMs) {
        ObjectNode o = parse(line);
        o.put("type", "ARTICLE_VIEWED");
        o.remove("survey");
        o.putObject("article").put("articleId", "kb-fuzz").put("dwellMs", dwellMs);
        return utf8(o.toString());
    }

    public static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.carekpi.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.schema.Article;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The JSON Lines form of {@link InteractionEvent}: the Avro field names, {@code occurredAt} as
 * ISO-8601 or epoch milliseconds, enums as symbol strings. Unknown enum symbols read as
 * {@code UNKNOWN} (as Avro's enum defaults do for newer writers); unknown fields are ignored.
 */
public final class EventJson {
    /** Strict: one JSON value per line (nothing after it) and no key twice. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private EventJson() {}

    public static InteractionEvent decode(String line) throws InvalidEventException {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m.startsWith("Trailing token")) {
                throw new InvalidEventException("not valid JSON: content after the JSON object (one object per line)");
            }
            if (m.startsWith("Duplicate field")) {
                throw new InvalidEventException("not valid JSON: duplicate field " + m.substring("Duplicate field ".length()));
            }
            throw new InvalidEventException("not valid JSON: " + m);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("not a JSON object");
        }
        InteractionEvent.Builder b = InteractionEvent.newBuilder()
                .setEventId(requiredText(root, "eventId"))
                .setOccurredAt(instant(root, "occurredAt"))
                .setConversationId(requiredText(root, "conversationId"))
                .setCustomerId(optionalText(root, "customerId"))
                .setChannel(optionalSymbol(Channel.class, root, "channel", Channel.UNKNOWN))
                .setType(symbol(EventType.class, root, "type", EventType.UNKNOWN))
                .setAgentId(optionalText(root, "agentId"))
                .setQueue(optionalText(root, "queue"))
                .setLanguage(optionalText(root, "language"));
        JsonNode survey = root.get("survey");
        if (survey != null && !survey.isNull()) {
            if (!survey.isObject()) {
                throw new InvalidEventException("survey: expected an object");
            }
            JsonNode scale = survey.get("scaleMax");
            b.setSurvey(new Survey(symbol(SurveyKind.class, survey, "kind", SurveyKind.UNKNOWN),
                    (int) integer(survey, "survey.score", survey.get("score"), true),
                    scale == null || scale.isNull() ? null : (int) integer(survey, "survey.scaleMax", scale, true)));
        }
        JsonNode article = root.get("article");
        if (article != null && !article.isNull()) {
            if (!article.isObject()) {
                throw new InvalidEventException("article: expected an object");
            }
            b.setArticle(new Article(requiredText(article, "articleId"),
                    integer(article, "article.dwellMs", article.get("dwellMs"), false)));
        }
        return b.build();
    }

    private static String requiredText(JsonNode node, String field) throws InvalidEventException {
        String s = optionalText(node, field);
        if (s == null) {
            throw new InvalidEventException(field + " is missing");
        }
        return s;
    }

    /** Null for absent, null or empty strings. */
    private static String optionalText(JsonNode node, String field) throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidEventException(field + ": expected a string, got " + v.getNodeType());
        }
        return v.asText().isEmpty() ? null : v.asText();
    }

    private static long integer(JsonNode parent, String name, JsonNode v, boolean isInt) throws InvalidEventException {
        if (v == null || v.isNull()) {
            throw new InvalidEventException(name + " is missing");
        }
        if (!v.isIntegralNumber() || (isInt && !v.canConvertToInt()) || !v.canConvertToLong()) {
            throw new InvalidEventException(name + ": expected " + (isInt ? "an int" : "a long") + ", got " + v);
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode node, String field) throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidEventException(field + " is missing");
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return OffsetDateTime.parse(v.asText()).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidEventException(field + ": not ISO-8601: " + v.asText());
            }
        }
        throw new InvalidEventException(field + ": expected ISO-8601 text or epoch milliseconds, got " + v);
    }

    /** An enum that may be absent: absent reads as {@code unknown}, like an unknown symbol (channel: SPEC section 1). */
    private static <E extends Enum<E>> E optionalSymbol(Class<E> type, JsonNode node, String field, E unknown)
            throws InvalidEventException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? unknown : symbol(type, node, field, unknown);
    }

    private static <E extends Enum<E>> E symbol(Class<E> type, JsonNode node, String field, E unknown)
            throws InvalidEventException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidEventException(field + " is missing");
        }
        if (!v.isTextual()) {
            throw new InvalidEventException(field + ": expected a symbol string, got " + v.getNodeType());
        }
        try {
            return Enum.valueOf(type, v.asText());
        } catch (IllegalArgumentException e) {
            return unknown;
        }
    }

    /** The JSON object of an event, as read by {@link #decode}. */
    public static ObjectNode toJson(InteractionEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("eventId", e.getEventId());
        o.put("occurredAt", e.getOccurredAt().toString());
        o.put("conversationId", e.getConversationId());
        if (e.getCustomerId() != null) o.put("customerId", e.getCustomerId());
        o.put("channel", e.getChannel().name());
        o.put("type", e.getType().name());
        if (e.getAgentId() != null) o.put("agentId", e.getAgentId());
        if (e.getQueue() != null) o.put("queue", e.getQueue());
        if (e.getSurvey() != null) {
            ObjectNode s = o.putObject("survey");
            s.put("kind", e.getSurvey().getKind().name());
            s.put("score", e.getSurvey().getScore());
            if (e.getSurvey().getScaleMax() != null) s.put("scaleMax", e.getSurvey().getScaleMax());
        }
        if (e.getArticle() != null) {
            ObjectNode a = o.putObject("article");
            a.put("articleId", e.getArticle().getArticleId());
            a.put("dwellMs", e.getArticle().getDwellMs());
        }
        if (e.getLanguage() != null) o.put("language", e.getLanguage());
        return o;
    }

    public static String encode(InteractionEvent e) {
        return toJson(e).toString();
    }
}

package io.carekpi.kpi;

import io.carekpi.schema.Article;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;

/**
 * The validation rules of SPEC section 1 and docs/kpis.md: a record that breaks one is rejected
 * with the reason (dead-letter output), never silently dropped.
 */
public final class EventValidator {
    /** Identifiers longer than this are rejected: they become tags and keys downstream. */
    public static final int MAX_ID_LENGTH = 256;
    /** Events stamped further ahead of the wall clock than this are rejected (a clock or unit error). */
    public static final long MAX_FUTURE_SKEW_MS = 3_600_000L;
    /** Events stamped before this (2000-01-01) are rejected as implausible (seconds sent as millis?). */
    public static final long EARLIEST_PLAUSIBLE_MS = 946_684_800_000L;
    /**
     * Events stamped at or after this (2200-01-01) are rejected whatever the clock: with the earliest
     * bound it keeps every duration a fact carries below 7 × 10^12 ms, so no sum of them can overflow.
     */
    public static final long LATEST_PLAUSIBLE_MS = 7_258_118_400_000L;
    /** The longest article read counted (a day): a longer dwell time is a unit or clock error. */
    public static final long MAX_DWELL_MS = 86_400_000L;
    /** The largest survey scale (a 0..100 score is the widest in use). */
    public static final int MAX_SCALE = 100;

    private EventValidator() {}

    /**
     * Why the event's time cannot be used, or null. A timestamp far in the future would drag the
     * live watermark ahead and make every later event late, so it is rejected before it reaches
     * the watermark generator; this is the one rule that depends on the wall clock.
     */
    public static String timeProblem(InteractionEvent e, long nowMillis) {
        return timeProblem(e, nowMillis, "the clock");
    }

    /**
     * {@link #timeProblem(InteractionEvent, long)} against another reference instant (a replay's
     * as-of instant), named {@code referenceName} in the reason; {@link Long#MAX_VALUE}: no future bound.
     */
    public static String timeProblem(InteractionEvent e, long reference, String referenceName) {
        long t = e.getOccurredAt().toEpochMilli();
        if (reference != Long.MAX_VALUE && t > reference + MAX_FUTURE_SKEW_MS) {
            return "occurredAt " + e.getOccurredAt() + " is more than 1h ahead of " + referenceName;
        }
        if (t >= LATEST_PLAUSIBLE_MS) {
            return "occurredAt " + e.getOccurredAt() + " is after 2200-01-01 (implausible)";
        }
        if (t < EARLIEST_PLAUSIBLE_MS) {
            return "occurredAt " + e.getOccurredAt() + " is before 2000-01-01 (implausible)";
        }
        return null;
    }

    /** Returns why the event is invalid, or null when it is valid. */
    public static String problem(InteractionEvent e) {
        if (isBlank(e.getEventId())) {
            return "eventId is missing";
        }
        String ids = identifierProblem("eventId", e.getEventId());
        if (ids == null) ids = identifierProblem("conversationId", e.getConversationId());
        if (ids == null) ids = identifierProblem("customerId", e.getCustomerId());
        if (ids == null) ids = identifierProblem("agentId", e.getAgentId());
        if (ids == null) ids = identifierProblem("queue", e.getQueue());
        if (ids == null) ids = identifierProblem("language", e.getLanguage());
        if (ids == null && e.getArticle() != null) ids = identifierProblem("article.articleId", e.getArticle().getArticleId());
        if (ids != null) {
            return ids;
        }
        if (e.getOccurredAt() == null) {
            return "occurredAt is missing";
        }
        if (isBlank(e.getConversationId())) {
            return "conversationId is missing";
        }
        if (e.getType() == null) {
            return "type is missing";
        }
        EventType type = e.getType();
        switch (type) {
            case CONVERSATION_OPENED -> {
                if (isBlank(e.getCustomerId())) {
                    return "CONVERSATION_OPENED requires customerId";
                }
            }
            case AGENT_ASSIGNED -> {
                if (isBlank(e.getAgentId())) {
                    return "AGENT_ASSIGNED requires agentId (the new owner)";
                }
            }
            case SURVEY_RESPONSE -> {
                return surveyProblem(e.getSurvey());
            }
            case ARTICLE_VIEWED -> {
                return articleProblem(e.getArticle());
            }
            default -> {
                return null;
            }
        }
        return null;
    }

    private static String surveyProblem(Survey s) {
        if (s == null) {
            return "SURVEY_RESPONSE requires survey";
        }
        if (s.getKind() == null || s.getKind() == SurveyKind.UNKNOWN) {
            return "survey.kind is unknown";
        }
        int max = Surveys.scaleMax(s);
        if (s.getKind() == SurveyKind.NPS && max != 10) {
            return "NPS is on 0..10, scaleMax " + max + " is not";
        }
        if (max < 2) {
            return "survey.scaleMax " + max + " is below 2";
        }
        if (max > MAX_SCALE) {
            return "survey.scaleMax " + max + " is above " + MAX_SCALE;
        }
        int min = Surveys.scaleMin(s.getKind());
        if (s.getScore() < min || s.getScore() > max) {
            return "survey score " + s.getScore() + " is outside its scale " + min + ".." + max;
        }
        return null;
    }

    private static String articleProblem(Article a) {
        if (a == null) {
            return "ARTICLE_VIEWED requires article";
        }
        if (isBlank(a.getArticleId())) {
            return "article.articleId is missing";
        }
        if (a.getDwellMs() < 0) {
            return "article.dwellMs " + a.getDwellMs() + " is negative";
        }
        if (a.getDwellMs() > MAX_DWELL_MS) {
            return "article.dwellMs " + a.getDwellMs() + " is above a day (" + MAX_DWELL_MS + ")";
        }
        return null;
    }

    /** An identifier too long, or with a control character; null when it is fine (or absent). */
    private static String identifierProblem(String field, String value) {
        String tooLong = tooLong(field, value);
        return tooLong != null ? tooLong : controlCharacter(field, value);
    }

    /** A control character (U+0000..U+001F, U+007F) in an identifier: it would corrupt keys, tags and logs. */
    private static String controlCharacter(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return field + " has a control character (U+" + String.format("%04X", (int) c) + ") at " + i;
            }
        }
        return null;
    }

    private static String tooLong(String field, String value) {
        return value != null && value.length() > MAX_ID_LENGTH
                ? field + " is " + value.length() + " characters long (at most " + MAX_ID_LENGTH + ")"
                : null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}

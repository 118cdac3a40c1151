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
    private EventValidator() {}

    /** Returns why the event is invalid, or null when it is valid. */
    public static String problem(InteractionEvent e) {
        if (isBlank(e.getEventId())) {
            return "eventId is missing";
        }
        if (e.getOccurredAt() == null) {
            return "occurredAt is missing";
        }
        if (isBlank(e.getConversationId())) {
            return "conversationId is missing";
        }
        if (e.getChannel() == null) {
            return "channel is missing";
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
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}

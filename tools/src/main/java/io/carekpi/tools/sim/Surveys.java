package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import io.carekpi.schema.SurveyKind;
import java.util.Arrays;
import java.util.List;

/**
 * Surveys after a resolution: one to three, of every kind (CSAT twice as often), with and without
 * {@code scaleMax}, scores skewed high (low for effort), some naming the agent.
 */
final class Surveys extends ConversationPlan {
    static final List<SurveyKind> KINDS = List.of(SurveyKind.CSAT, SurveyKind.CSAT, SurveyKind.NPS,
            SurveyKind.CES, SurveyKind.AGENT_SATISFACTION);
    private static final List<Integer> CSAT_SCALES = Arrays.asList(null, 5, 10, 3, 7);
    private static final List<Integer> CES_SCALES = Arrays.asList(null, 7, 5);
    private static final List<Integer> OTHER_SCALES = Arrays.asList(null, 5, 10);

    Surveys(PlanningRun run, ConversationBuilder b) {
        super(run, b);
    }

    Surveys(PlanningRun run, ConversationBuilder b, Draws draws) {
        super(run, b, draws);
    }

    /** One to three surveys after a resolution at {@code res}, on {@code surveyChannel}. */
    void send(long res, Channel surveyChannel, String agent, boolean email) {
        int n = chance(0.6) ? 1 : chance(0.6) ? 2 : 3;
        long t = res;
        for (int i = 0; i < n; i++) {
            t = b.free(t + (email ? between(10 * MINUTE, quiet(12 * HOUR)) : between(10 * SECOND, quiet(2 * HOUR))));
            sendOne(t, surveyChannel, agent);
        }
    }

    /** One survey at {@code t} on {@code surveyChannel} ({@code UNKNOWN}: the conversation's), of a random kind. */
    void sendOne(long t, Channel surveyChannel, String agent) {
        SurveyKind kind = pick(KINDS);
        Integer scaleMax = scaleMax(kind);
        int score = score(kind, scaleMax);
        String on = kind == SurveyKind.AGENT_SATISFACTION && agent != null && chance(0.6) ? agent
                : chance(0.1) ? agent : null;
        b.survey(t, kind, score, scaleMax, on, surveyChannel);
        count("survey." + kind + (scaleMax == null ? ".defaultScale" : ".scale" + scaleMax));
        if (surveyChannel == Channel.UNKNOWN) {
            count("survey.unknownChannel");
        }
    }

    /** A score on the survey's scale, skewed high (low for effort) (one draw). */
    int score(SurveyKind kind, Integer scaleMax) {
        int max = scaleMax != null ? scaleMax : defaultScaleMax(kind);
        int min = kind == SurveyKind.NPS ? 0 : 1;
        return kind == SurveyKind.CES ? draws.skewLow(min, max) : draws.skewHigh(min, max);
    }

    /** The survey's {@code scaleMax}, or null for the kind's default scale (one draw). */
    Integer scaleMax(SurveyKind kind) {
        return switch (kind) {
            case CSAT -> pick(CSAT_SCALES);
            case NPS -> chance(0.5) ? null : 10;
            case CES -> pick(CES_SCALES);
            default -> pick(OTHER_SCALES);
        };
    }

    static int defaultScaleMax(SurveyKind kind) {
        return switch (kind) {
            case NPS -> 10;
            case CES -> 7;
            default -> 5;
        };
    }
}

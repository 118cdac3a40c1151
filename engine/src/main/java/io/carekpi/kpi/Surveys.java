package io.carekpi.kpi;

import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;

/** Survey scales and the CSAT "satisfied" rule (SPEC section 2). */
public final class Surveys {
    private Surveys() {}

    /** The survey's scale top; absent means 5 (CSAT, agent satisfaction), 10 (NPS), 7 (CES). */
    public static int scaleMax(Survey s) {
        if (s.getScaleMax() != null) {
            return s.getScaleMax();
        }
        return switch (s.getKind()) {
            case NPS -> 10;
            case CES -> 7;
            default -> 5;
        };
    }

    /** Lowest valid score: NPS runs 0..10, the other scales 1..scaleMax. */
    public static int scaleMin(SurveyKind kind) {
        return kind == SurveyKind.NPS ? 0 : 1;
    }

    /** CSAT satisfied: {@code score >= ceil(0.8 * scaleMax)} (4 of 5, 8 of 10). */
    public static boolean satisfied(int score, int scaleMax) {
        return score >= (int) Math.ceil(0.8 * scaleMax);
    }
}

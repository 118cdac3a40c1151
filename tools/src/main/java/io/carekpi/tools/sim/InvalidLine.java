package io.carekpi.tools.sim;

/**
 * An invalid line that {@link Delivery} mixed into the JSON Lines: the engine must reject it (and
 * nothing else).
 *
 * @param line 1-based line number in the written file
 */
public record InvalidLine(long line, Kind kind, String text) {
    public enum Kind {
        /** Not JSON at all, or a JSON object cut short. */
        MALFORMED_JSON,
        /** A {@code CONVERSATION_OPENED} without {@code customerId}. */
        OPENED_WITHOUT_CUSTOMER,
        /** A {@code SURVEY_RESPONSE} whose score is outside its scale. */
        SURVEY_SCORE_OUT_OF_RANGE
    }
}

package io.carekpi.tools.sim;

/**
 * What became of a planned inbound conversation, for the customer's next step.
 *
 * @param scenario what the plan made of it, e.g. {@code voice.transferred.unresolved}
 * @param lastResolution the instant of its last resolution (0 unless resolved)
 */
record ScenarioResult(ConversationBuilder conversation, String scenario, Outcome outcome, long lastResolution) {

    enum Outcome { RESOLVED, UNRESOLVED, ABANDONED, DEFLECTED, OPEN }
}

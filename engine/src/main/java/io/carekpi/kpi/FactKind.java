package io.carekpi.kpi;

/**
 * What a {@link KpiFact} adds to a window. The meaning of a fact's values {@code a}, {@code b},
 * {@code c} depends on its kind, as documented on each constant; {@link KpiCounters#apply} is the
 * one place that turns a fact into counter increments.
 */
public enum FactKind {
    /** A conversation opened. */
    OPENED,
    CUSTOMER_MESSAGE,
    AGENT_MESSAGE,
    BOT_MESSAGE,
    /** a = first response time (ms). */
    FIRST_RESPONSE,
    /** a = bot first response time (ms). */
    BOT_FIRST_RESPONSE,
    /** a = next response time (ms). */
    NEXT_RESPONSE,
    /** One handled contact (agent segment): a = talk ms, b = hold ms, c = number of holds. */
    HANDLED,
    /** A finished wrap-up: a = wrap-up ms. */
    WRAP_UP,
    /** a = resolution time (ms), resolved minus opened. */
    RESOLVED,
    REOPENED,
    TRANSFER,
    ESCALATION,
    FCR_CANDIDATE,
    FCR_CONFIRMED,
    FCR_LOST,
    /** a = contacts to resolution. */
    FINAL_RESOLUTION,
    /** a = abandon wait (ms). */
    ABANDONED,
    BOT_CONTAINED,
    /** a = score, b = 1 when satisfied. */
    CSAT,
    /** a = score on 0..10. */
    NPS,
    /** a = score. */
    CES,
    /** a = score. */
    AGENT_SATISFACTION,
    /** a = dwell time (ms). */
    ARTICLE_VIEWED,
    DEFLECTED,
    SLA_FIRST_RESPONSE_MET,
    SLA_FIRST_RESPONSE_BREACHED,
    SLA_NEXT_RESPONSE_MET,
    SLA_NEXT_RESPONSE_BREACHED,
    SLA_RESOLUTION_MET,
    SLA_RESOLUTION_BREACHED,
    SLA_WARNING
}

package io.carekpi.kpi;

/**
 * What a {@link KpiFact} adds to a window. What a fact's {@code value} measures depends on its
 * kind, as documented on each constant (kinds without a value are only counted);
 * {@link KpiCounters#apply} is the one place that turns a fact into counter increments.
 */
public enum FactKind {
    /** A conversation opened. */
    OPENED,
    CUSTOMER_MESSAGE,
    AGENT_MESSAGE,
    BOT_MESSAGE,
    /** value = first response time (ms). */
    FIRST_RESPONSE,
    /** value = bot first response time (ms). */
    BOT_FIRST_RESPONSE,
    /** value = next response time (ms). */
    NEXT_RESPONSE,
    /** One handled contact (agent segment): value = talk ms, with {@code holdMs} and {@code holds}. */
    HANDLED,
    /** A finished wrap-up: value = wrap-up ms. */
    WRAP_UP,
    /** value = resolution time (ms), resolved minus opened. */
    RESOLVED,
    REOPENED,
    TRANSFER,
    ESCALATION,
    FCR_CANDIDATE,
    FCR_CONFIRMED,
    FCR_LOST,
    /** value = contacts to resolution. */
    FINAL_RESOLUTION,
    /** value = abandon wait (ms). */
    ABANDONED,
    BOT_CONTAINED,
    /** value = score, with {@code satisfied}. */
    CSAT,
    /** value = score on 0..10. */
    NPS,
    /** value = score. */
    CES,
    /** value = score. */
    AGENT_SATISFACTION,
    /** value = dwell time (ms). */
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

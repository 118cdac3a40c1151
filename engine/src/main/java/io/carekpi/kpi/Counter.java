package io.carekpi.kpi;

/**
 * The additive fields of a KPI snapshot (SPEC section 4), in schema order. Each constant knows its
 * exact field name in {@code KpiSnapshot} and in every output. All are sums or counts, except
 * {@link #FRT_MAX_MS}, which merges by maximum.
 */
public enum Counter {
    OPENED("opened"),
    CUSTOMER_MESSAGES("customer_messages"),
    AGENT_MESSAGES("agent_messages"),
    BOT_MESSAGES("bot_messages"),
    FIRST_RESPONSES("first_responses"),
    FRT_SUM_MS("frt_sum_ms"),
    FRT_MAX_MS("frt_max_ms"),
    BOT_FIRST_RESPONSES("bot_first_responses"),
    BOT_FRT_SUM_MS("bot_frt_sum_ms"),
    NEXT_RESPONSES("next_responses"),
    NRT_SUM_MS("nrt_sum_ms"),
    HANDLED("handled"),
    HANDLE_SUM_MS("handle_sum_ms"),
    TALK_SUM_MS("talk_sum_ms"),
    HOLD_SUM_MS("hold_sum_ms"),
    HOLDS("holds"),
    WRAP_UP_SUM_MS("wrap_up_sum_ms"),
    RESOLVED("resolved"),
    RESOLUTION_SUM_MS("resolution_sum_ms"),
    REOPENED("reopened"),
    TRANSFERS("transfers"),
    ESCALATIONS("escalations"),
    FCR_CANDIDATES("fcr_candidates"),
    FCR_CONFIRMED("fcr_confirmed"),
    FCR_LOST("fcr_lost"),
    FINAL_RESOLUTIONS("final_resolutions"),
    CONTACTS_TO_RESOLUTION_SUM("contacts_to_resolution_sum"),
    ABANDONED("abandoned"),
    ABANDON_WAIT_SUM_MS("abandon_wait_sum_ms"),
    BOT_CONTAINED("bot_contained"),
    CSAT_RESPONSES("csat_responses"),
    CSAT_SATISFIED("csat_satisfied"),
    CSAT_SCORE_SUM("csat_score_sum"),
    NPS_RESPONSES("nps_responses"),
    NPS_PROMOTERS("nps_promoters"),
    NPS_DETRACTORS("nps_detractors"),
    CES_RESPONSES("ces_responses"),
    CES_SCORE_SUM("ces_score_sum"),
    AGENT_SAT_RESPONSES("agent_sat_responses"),
    AGENT_SAT_SCORE_SUM("agent_sat_score_sum"),
    ARTICLES_VIEWED("articles_viewed"),
    ARTICLE_DWELL_SUM_MS("article_dwell_sum_ms"),
    DEFLECTED("deflected"),
    SLA_FIRST_RESPONSE_MET("sla_first_response_met"),
    SLA_FIRST_RESPONSE_BREACHED("sla_first_response_breached"),
    SLA_NEXT_RESPONSE_MET("sla_next_response_met"),
    SLA_NEXT_RESPONSE_BREACHED("sla_next_response_breached"),
    SLA_RESOLUTION_MET("sla_resolution_met"),
    SLA_RESOLUTION_BREACHED("sla_resolution_breached"),
    SLA_WARNINGS("sla_warnings");

    private static final Counter[] ALL = values();

    private final String field;

    Counter(String field) {
        this.field = field;
    }

    /** The exact field name in KpiSnapshot, kpis.jsonl and InfluxDB. */
    public String field() {
        return field;
    }

    /** All counters in schema order, without the defensive copy of {@code values()}. */
    public static Counter[] all() {
        return ALL;
    }
}

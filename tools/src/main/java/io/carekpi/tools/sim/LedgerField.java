package io.carekpi.tools.sim;

/**
 * The additive KPI fields of SPEC section 4 that the simulator's {@link ExpectedLedger} predicts:
 * all of them except the {@code sla_*} ones. {@link #field()} is the exact snapshot field name.
 * Every field is a sum or a count, except {@link #FRT_MAX_MS}, which combines by maximum.
 */
public enum LedgerField {
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
    DEFLECTED("deflected");

    private final String field;

    LedgerField(String field) {
        this.field = field;
    }

    /** The snapshot field name (as in {@code kpis.jsonl}, InfluxDB and {@code KpiSnapshot}). */
    public String field() {
        return field;
    }

    /** True for the one field that combines by maximum rather than by sum. */
    public boolean isMax() {
        return this == FRT_MAX_MS;
    }

    /** Combines two values of this field (sum, or max for {@link #FRT_MAX_MS}). */
    public long combine(long a, long b) {
        return isMax() ? Math.max(a, b) : a + b;
    }
}

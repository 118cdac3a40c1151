package io.carekpi.kpi;

import static io.carekpi.kpi.Counter.*;

import io.carekpi.schema.KpiSnapshot;
import java.time.Instant;

/**
 * The additive KPI accumulator of one window and one grouping: a value per {@link Counter} plus
 * the FRT histogram for percentiles. Mergeable, so coarser windows and pre-aggregation are sums.
 */
public class KpiCounters {
    /** values[c.ordinal()] for every {@link Counter} c. Public for Flink's POJO serializer. */
    public long[] values = new long[Counter.all().length];

    public LatencyHistogram frt = new LatencyHistogram();

    public KpiCounters() {}

    public long get(Counter c) {
        return values[c.ordinal()];
    }

    private void inc(Counter c, long by) {
        values[c.ordinal()] += by;
    }

    private void inc(Counter c) {
        values[c.ordinal()]++;
    }

    /** Adds one fact. This is the single place where fact kinds become counter increments. */
    public void apply(KpiFact f) {
        switch (f.kind) {
            case OPENED -> inc(OPENED);
            case CUSTOMER_MESSAGE -> inc(CUSTOMER_MESSAGES);
            case AGENT_MESSAGE -> inc(AGENT_MESSAGES);
            case BOT_MESSAGE -> inc(BOT_MESSAGES);
            case FIRST_RESPONSE -> {
                inc(FIRST_RESPONSES);
                inc(FRT_SUM_MS, f.value);
                values[FRT_MAX_MS.ordinal()] = Math.max(values[FRT_MAX_MS.ordinal()], f.value);
                frt.add(f.value);
            }
            case BOT_FIRST_RESPONSE -> {
                inc(BOT_FIRST_RESPONSES);
                inc(BOT_FRT_SUM_MS, f.value);
            }
            case NEXT_RESPONSE -> {
                inc(NEXT_RESPONSES);
                inc(NRT_SUM_MS, f.value);
            }
            case HANDLED -> {
                inc(HANDLED);
                inc(TALK_SUM_MS, f.talkMs());
                inc(HOLD_SUM_MS, f.holdMs);
                inc(HOLDS, f.holds);
                inc(HANDLE_SUM_MS, f.talkMs() + f.holdMs);
            }
            case WRAP_UP -> {
                inc(WRAP_UP_SUM_MS, f.value);
                inc(HANDLE_SUM_MS, f.value);
            }
            case RESOLVED -> {
                inc(RESOLVED);
                inc(RESOLUTION_SUM_MS, f.value);
            }
            case REOPENED -> inc(REOPENED);
            case TRANSFER -> inc(TRANSFERS);
            case ESCALATION -> inc(ESCALATIONS);
            case FCR_CANDIDATE -> inc(FCR_CANDIDATES);
            case FCR_CONFIRMED -> inc(FCR_CONFIRMED);
            case FCR_LOST -> inc(FCR_LOST);
            case FINAL_RESOLUTION -> {
                inc(FINAL_RESOLUTIONS);
                inc(CONTACTS_TO_RESOLUTION_SUM, f.value);
            }
            case ABANDONED -> {
                inc(ABANDONED);
                inc(ABANDON_WAIT_SUM_MS, f.value);
            }
            case BOT_CONTAINED -> inc(BOT_CONTAINED);
            case CSAT -> {
                inc(CSAT_RESPONSES);
                inc(CSAT_SCORE_SUM, f.value);
                if (f.satisfied) {
                    inc(CSAT_SATISFIED);
                }
            }
            case NPS -> {
                inc(NPS_RESPONSES);
                if (f.value >= 9) {
                    inc(NPS_PROMOTERS);
                } else if (f.value <= 6) {
                    inc(NPS_DETRACTORS);
                }
            }
            case CES -> {
                inc(CES_RESPONSES);
                inc(CES_SCORE_SUM, f.value);
            }
            case AGENT_SATISFACTION -> {
                inc(AGENT_SAT_RESPONSES);
                inc(AGENT_SAT_SCORE_SUM, f.value);
            }
            case ARTICLE_VIEWED -> {
                inc(ARTICLES_VIEWED);
                inc(ARTICLE_DWELL_SUM_MS, f.value);
            }
            case DEFLECTED -> inc(DEFLECTED);
            case SLA_FIRST_RESPONSE_MET -> inc(SLA_FIRST_RESPONSE_MET);
            case SLA_FIRST_RESPONSE_BREACHED -> inc(SLA_FIRST_RESPONSE_BREACHED);
            case SLA_NEXT_RESPONSE_MET -> inc(SLA_NEXT_RESPONSE_MET);
            case SLA_NEXT_RESPONSE_BREACHED -> inc(SLA_NEXT_RESPONSE_BREACHED);
            case SLA_RESOLUTION_MET -> inc(SLA_RESOLUTION_MET);
            case SLA_RESOLUTION_BREACHED -> inc(SLA_RESOLUTION_BREACHED);
            case SLA_WARNING -> inc(SLA_WARNINGS);
            default -> throw new IllegalArgumentException("unknown fact kind " + f.kind);
        }
    }

    public void merge(KpiCounters other) {
        int max = FRT_MAX_MS.ordinal();
        for (int i = 0; i < values.length; i++) {
            values[i] = i == max ? Math.max(values[i], other.values[i]) : values[i] + other.values[i];
        }
        frt.merge(other.frt);
    }

    private static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    private static Double percent(long numerator, long denominator) {
        return denominator == 0 ? null : 100.0 * numerator / denominator;
    }

    /**
     * The FCR rate: final ({@code fcr_confirmed / resolved}) once every candidate of the window has
     * its verdict, provisional ({@code fcr_candidates / resolved}) before.
     */
    Double fcrRate() {
        long candidates = get(FCR_CANDIDATES);
        boolean allKnown = get(FCR_CONFIRMED) + get(FCR_LOST) == candidates;
        return ratio(allKnown ? get(FCR_CONFIRMED) : candidates, get(RESOLVED));
    }

    /** Builds the snapshot record of these counters for one window and grouping. */
    public KpiSnapshot toSnapshot(String window, long windowStart, long windowEnd, String channel, String agent,
                                  String queue, long revision, boolean isFinal) {
        KpiSnapshot s = new KpiSnapshot();
        s.setWindow(window);
        s.setWindowStart(Instant.ofEpochMilli(windowStart));
        s.setWindowEnd(Instant.ofEpochMilli(windowEnd));
        s.setChannel(channel);
        s.setAgent(agent);
        s.setQueue(queue);
        s.setRevision(revision);
        s.setIsFinal(isFinal);
        for (Counter c : Counter.all()) {
            s.put(c.field(), values[c.ordinal()]);
        }
        long frtMax = get(FRT_MAX_MS);
        s.setFrtP50Ms(frt.percentile(0.5, frtMax));
        s.setFrtP90Ms(frt.percentile(0.9, frtMax));
        s.setAvgFrtMs(ratio(get(FRT_SUM_MS), get(FIRST_RESPONSES)));
        s.setAvgNrtMs(ratio(get(NRT_SUM_MS), get(NEXT_RESPONSES)));
        s.setAhtMs(ratio(get(HANDLE_SUM_MS), get(HANDLED)));
        s.setAvgHoldMs(ratio(get(HOLD_SUM_MS), get(HOLDS)));
        s.setAvgResolutionMs(ratio(get(RESOLUTION_SUM_MS), get(RESOLVED)));
        s.setFcrRate(fcrRate());
        s.setAvgContactsToResolution(ratio(get(CONTACTS_TO_RESOLUTION_SUM), get(FINAL_RESOLUTIONS)));
        s.setCsatPct(percent(get(CSAT_SATISFIED), get(CSAT_RESPONSES)));
        s.setNps(percent(get(NPS_PROMOTERS) - get(NPS_DETRACTORS), get(NPS_RESPONSES)));
        s.setCesAvg(ratio(get(CES_SCORE_SUM), get(CES_RESPONSES)));
        s.setAbandonRate(ratio(get(ABANDONED), get(OPENED)));
        s.setBotContainmentRate(ratio(get(BOT_CONTAINED), get(RESOLVED)));
        s.setServiceLevel(ratio(get(SLA_FIRST_RESPONSE_MET),
                get(SLA_FIRST_RESPONSE_MET) + get(SLA_FIRST_RESPONSE_BREACHED)));
        return s;
    }
}

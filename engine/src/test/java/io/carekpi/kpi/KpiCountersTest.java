package io.carekpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.KpiSnapshot;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class KpiCountersTest {
    private static KpiFact fact(FactKind kind, long value) {
        return KpiFact.of(0, "VOICE", null, null, kind, value);
    }

    private static KpiSnapshot snapshot(KpiCounters k) {
        return k.toSnapshot("1m", 0, 60_000, "all", "all", "all", 1, false);
    }

    @Test
    void handleIsTalkPlusHoldAtSegmentEndPlusWrapUpWhenItEnds() {
        KpiCounters k = new KpiCounters();
        k.apply(KpiFact.handled(0, "VOICE", null, null, 200, 40, 2));
        k.apply(fact(FactKind.WRAP_UP, 60));
        KpiSnapshot s = snapshot(k);
        assertThat(s.getHandled()).isEqualTo(1);
        assertThat(s.getHandleSumMs()).isEqualTo(300);
        assertThat(s.getAhtMs()).isEqualTo(300.0);
        assertThat(s.getAvgHoldMs()).isEqualTo(20.0);
    }

    @Test
    void npsCountsPromotersAndDetractorsAndPassivesOnlyInResponses() {
        KpiCounters k = new KpiCounters();
        for (int score : new int[] {10, 9, 8, 7, 6, 0}) {
            k.apply(fact(FactKind.NPS, score));
        }
        KpiSnapshot s = snapshot(k);
        assertThat(s.getNpsPromoters()).isEqualTo(2);
        assertThat(s.getNpsDetractors()).isEqualTo(2);
        assertThat(s.getNps()).isEqualTo(0.0);
    }

    @Test
    void fcrRateIsProvisionalUntilEveryCandidateHasItsVerdict() {
        KpiCounters k = new KpiCounters();
        for (int i = 0; i < 4; i++) {
            k.apply(fact(FactKind.RESOLVED, 1000));
        }
        k.apply(fact(FactKind.FCR_CANDIDATE, 0));
        k.apply(fact(FactKind.FCR_CANDIDATE, 0));
        assertThat(snapshot(k).getFcrRate()).isEqualTo(0.5);
        k.apply(fact(FactKind.FCR_CONFIRMED, 0));
        assertThat(snapshot(k).getFcrRate()).as("one verdict still missing").isEqualTo(0.5);
        k.apply(fact(FactKind.FCR_LOST, 0));
        assertThat(snapshot(k).getFcrRate()).isEqualTo(0.25);
    }

    @Test
    void ratiosAreNullWithoutTheirDenominator() {
        KpiSnapshot s = snapshot(new KpiCounters());
        assertThat(s.getAvgFrtMs()).isNull();
        assertThat(s.getServiceLevel()).isNull();
        assertThat(s.getFrtP50Ms()).isNull();
        assertThat(s.getCsatPct()).isNull();
    }

    @Test
    void mergingCountersEqualsApplyingAllFactsToOne() {
        Random r = new Random(7);
        KpiCounters whole = new KpiCounters();
        KpiCounters left = new KpiCounters();
        KpiCounters right = new KpiCounters();
        FactKind[] kinds = {FactKind.FIRST_RESPONSE, FactKind.HANDLED, FactKind.CSAT, FactKind.NEXT_RESPONSE};
        for (int i = 0; i < 1000; i++) {
            FactKind kind = kinds[r.nextInt(kinds.length)];
            long value = r.nextInt(1_000_000);
            KpiFact f = switch (kind) {
                case HANDLED -> KpiFact.handled(0, "VOICE", null, null, value, r.nextInt(1_000), r.nextInt(3));
                case CSAT -> KpiFact.survey(0, "VOICE", null, null, kind, value, r.nextBoolean());
                default -> fact(kind, value);
            };
            whole.apply(f);
            (i % 2 == 0 ? left : right).apply(f);
        }
        left.merge(right);
        assertThat(left.values).containsExactly(whole.values);
        assertThat(snapshot(left)).isEqualTo(snapshot(whole));
    }

    @Test
    void percentilesAreNearestRankWithinOneSixtyFourthAbove() {
        Random r = new Random(11);
        long[] values = LongStream.range(0, 5000).map(i -> r.nextInt(3_600_000)).sorted().toArray();
        LatencyHistogram h = new LatencyHistogram();
        for (long v : values) {
            h.add(v);
        }
        long max = values[values.length - 1];
        for (double p : new double[] {0.5, 0.9, 0.99}) {
            long exact = values[(int) Math.ceil(p * values.length) - 1];
            assertThat(h.percentile(p, max)).isBetween(exact, exact + exact / 64 + 1);
        }
        LatencyHistogram small = new LatencyHistogram();
        small.add(5);
        small.add(100);
        small.add(90);
        assertThat(small.percentile(0.5, 100)).as("exact below 128 ms").isEqualTo(90);
    }
}

package io.carekpi.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.config.WindowSpec;
import io.carekpi.kpi.Dimensions;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PreAggregatorTest {
    private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private EngineConfig config;
    private OneInputStreamOperatorTestHarness<KpiFact, WindowCell> harness;

    @BeforeEach
    void setUp() throws Exception {
        EngineConfig.Builder b = EngineConfig.builder();
        b.windows = List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1));
        b.fcrWindow = Duration.ofHours(1);
        config = b.build();
        harness = new OneInputStreamOperatorTestHarness<>(new PreAggregator(config));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void fact(long at, String channel, String agent, String queue, FactKind kind, long value) throws Exception {
        harness.processElement(new StreamRecord<>(KpiFact.of(at, channel, agent, queue, kind, value), at));
    }

    private List<WindowCell> emitted() {
        return harness.extractOutputValues();
    }

    @Test
    void sumsEveryGroupingOfTheFactsOfOneMinuteAndSendsThemOnlyBeforeTheNextWatermark() throws Exception {
        fact(T0 + 1_000, "VOICE", "agent-1", "billing", FactKind.FIRST_RESPONSE, 30_000);
        fact(T0 + 2_000, "VOICE", "agent-1", "billing", FactKind.FIRST_RESPONSE, 10_000);
        fact(T0 + 3_000, "VOICE", null, null, FactKind.OPENED, 0);
        assertThat(emitted()).as("nothing before a watermark").isEmpty();

        harness.processWatermark(new Watermark(T0));
        List<WindowCell> sums = emitted();
        assertThat(sums).as("all, VOICE, VOICE+agent-1, VOICE+billing").hasSize(4)
                .allSatisfy(g -> {
                    assertThat(g.lateFact).isNull();
                    assertThat(g.windowStarts).containsExactly(T0, T0, T0 - 9 * 60 * MIN);
                });
        WindowCell all = sums.stream().filter(g -> g.channel == null).findFirst().orElseThrow();
        assertThat(all.counters.get(io.carekpi.kpi.Counter.FIRST_RESPONSES)).isEqualTo(2);
        assertThat(all.counters.get(io.carekpi.kpi.Counter.FRT_SUM_MS)).isEqualTo(40_000);
        assertThat(all.counters.get(io.carekpi.kpi.Counter.FRT_MAX_MS)).isEqualTo(30_000);
        assertThat(all.counters.get(io.carekpi.kpi.Counter.OPENED)).isEqualTo(1);
        WindowCell agent = sums.stream().filter(g -> "agent-1".equals(g.agent)).findFirst().orElseThrow();
        assertThat(agent.counters.get(io.carekpi.kpi.Counter.OPENED)).as("the opening has no agent").isZero();
        assertThat(harness.getOutput()).as("the sums go before the watermark")
                .last().isEqualTo(new Watermark(T0));
    }

    @Test
    void factsOfDifferentMinutesAreDifferentSums() throws Exception {
        fact(T0 + 59_999, "EMAIL", null, null, FactKind.OPENED, 0);
        fact(T0 + 60_000, "EMAIL", null, null, FactKind.OPENED, 0);
        harness.processWatermark(new Watermark(T0));
        assertThat(emitted()).hasSize(4).extracting(g -> g.windowStarts[0]).containsOnly(T0, T0 + MIN);
    }

    @Test
    void nothingIsKeptAcrossACheckpoint() throws Exception {
        fact(T0, "SMS", null, null, FactKind.OPENED, 0);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(emitted()).hasSize(2);
    }

    @Test
    void theEndOfTheInputSendsWhatIsLeft() throws Exception {
        fact(T0, "SMS", null, null, FactKind.OPENED, 0);
        harness.endInput();
        assertThat(emitted()).hasSize(2);
    }

    @Test
    void aFactTooLateForTheWindowOfSomeSizeGoesOnAloneOncePerGrouping() throws Exception {
        harness.processWatermark(new Watermark(T0 + 2 * 60 * MIN + config.kpiRetention.toMillis()));
        fact(T0, "VOICE", null, "billing", FactKind.OPENED, 0); // its 1m and 1h windows are gone, not its day
        assertThat(emitted()).as("passed on at once, not summed with others").hasSize(3).allSatisfy(g -> {
            assertThat(g.counters.get(io.carekpi.kpi.Counter.OPENED)).as("a cell of this one fact").isEqualTo(1);
            assertThat(g.windowStarts).containsExactly(T0, T0, T0 - 9 * 60 * MIN);
            assertThat(g.lateFact.at).as("the fact, for the late-facts output").isEqualTo(T0);
            assertThat(g.lateFact.channel).isEqualTo(g.channel);
            assertThat(g.lateFact.queue).isEqualTo(g.queue);
        });
    }

    @Test
    void sumsEqualTheFactsAddedOneByOne() throws Exception {
        Random random = new Random(7);
        String[] channels = {"VOICE", "EMAIL", "WHATSAPP"};
        String[] agents = {null, "a1", "a2"};
        String[] queues = {null, "billing"};
        FactKind[] kinds = {FactKind.OPENED, FactKind.FIRST_RESPONSE, FactKind.CUSTOMER_MESSAGE, FactKind.HANDLED};
        Map<String, KpiCounters> direct = new HashMap<>();
        WindowSpec minute = WindowSpec.of(Duration.ofMinutes(1), ZoneId.of("UTC"));
        long watermark = T0;
        for (int i = 0; i < 20_000; i++) {
            long at = T0 + random.nextInt(3 * 3_600_000);
            String channel = channels[random.nextInt(3)];
            String agent = agents[random.nextInt(3)];
            String queue = queues[random.nextInt(2)];
            FactKind kind = kinds[random.nextInt(kinds.length)];
            long value = random.nextInt(100_000);
            KpiFact f = kind == FactKind.HANDLED
                    ? KpiFact.handled(at, channel, agent, queue, value, random.nextInt(1000), random.nextInt(3))
                    : KpiFact.of(at, channel, agent, queue, kind, value);
            harness.processElement(new StreamRecord<>(f, at));
            Dimensions.forEachGrouping(f, (c, a, q) -> direct.computeIfAbsent(
                    Dimensions.key(c, a, q) + "@" + minute.startOf(f.at), k -> new KpiCounters()).apply(f));
            if (i % 3_000 == 0) {
                harness.processWatermark(new Watermark(watermark += 60_000));
            }
        }
        harness.endInput();
        Map<String, KpiCounters> summed = new HashMap<>();
        for (WindowCell g : emitted()) {
            assertThat(g.lateFact).as("nothing late here").isNull();
            summed.computeIfAbsent(WindowCell.key(g) + "@" + g.windowStarts[0], k -> new KpiCounters())
                    .merge(g.counters);
        }
        assertThat(summed.keySet()).isEqualTo(direct.keySet());
        direct.forEach((k, v) -> {
            assertThat(summed.get(k).values).as(k).containsExactly(v.values);
            assertThat(summed.get(k).frt.total()).as(k).isEqualTo(v.frt.total());
        });
        assertThat(emitted().size()).as("fewer records than grouped facts").isLessThan(20_000);
    }
}

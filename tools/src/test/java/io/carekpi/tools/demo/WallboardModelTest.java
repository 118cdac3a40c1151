package io.carekpi.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiCounters;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.Channel;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WallboardModelTest {
    private static final long NOW = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long DAY = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

    @Test
    void showsTodaysLatestRevisionTheLiveGaugeAndRecentBreachesPerChannel() {
        WallboardModel board = new WallboardModel(Duration.ofHours(72));
        KpiCounters k = new KpiCounters();
        k.apply(KpiFact.of(NOW, "VOICE", null, null, FactKind.FIRST_RESPONSE, 20_000));
        k.apply(KpiFact.of(NOW, "VOICE", null, null, FactKind.SLA_FIRST_RESPONSE_MET));
        long day = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
        board.apply(k.toSnapshot("1d", day, day + 86_400_000L, "VOICE", "all", "all", 1, false));
        k.apply(KpiFact.of(NOW, "VOICE", null, null, FactKind.FIRST_RESPONSE, 40_000));
        k.apply(KpiFact.of(NOW, "VOICE", null, null, FactKind.SLA_FIRST_RESPONSE_BREACHED));
        board.apply(k.toSnapshot("1d", day, day + 86_400_000L, "VOICE", "all", "all", 2, false));
        board.apply(k.toSnapshot("1m", NOW, NOW + 60_000, "VOICE", "all", "all", 9, false)); // not on the board
        board.apply(new QueueGauge("VOICE", "all", 3L, 95_000L, Instant.ofEpochMilli(NOW)));
        board.apply(new QueueGauge("VOICE", "billing", 1L, 5_000L, Instant.ofEpochMilli(NOW)));
        board.apply(breach(NOW - 60_000));
        board.apply(breach(NOW - 20 * 60_000)); // older than 15 minutes

        String text = board.render(NOW);
        String voice = text.lines().filter(l -> l.startsWith("VOICE")).findFirst().orElseThrow();
        assertThat(voice.split("\\s+")).containsExactly("VOICE", "3", "1m35s", "30s", "40s", "50%", "-", "-", "-", "1");
    }

    @Test
    void marksFcrProvisionalWithTheVerdictsPendingAndFinalOnceEveryVerdictIsIn() {
        WallboardModel board = new WallboardModel(Duration.ofHours(72));
        KpiCounters k = new KpiCounters();
        for (int i = 0; i < 4; i++) {
            k.apply(KpiFact.of(NOW, "WHATSAPP", null, null, FactKind.RESOLVED));
        }
        for (int i = 0; i < 3; i++) {
            k.apply(KpiFact.of(NOW, "WHATSAPP", null, null, FactKind.FCR_CANDIDATE));
        }
        k.apply(KpiFact.of(NOW, "WHATSAPP", null, null, FactKind.FCR_LOST));
        board.apply(k.toSnapshot("1d", DAY, DAY + 86_400_000L, "WHATSAPP", "all", "all", 1, false));
        String text = board.render(NOW);
        assertThat(row(text, "WHATSAPP")).as("3 candidates of 4 resolutions, 1 verdict in (lost): 2 pending")
                .contains(" 75% (2 pending) ");
        assertThat(text).contains("FCR is provisional").contains("72h00m after its resolution");

        k.apply(KpiFact.of(NOW, "WHATSAPP", null, null, FactKind.FCR_CONFIRMED));
        k.apply(KpiFact.of(NOW, "WHATSAPP", null, null, FactKind.FCR_CONFIRMED));
        board.apply(k.toSnapshot("1d", DAY, DAY + 86_400_000L, "WHATSAPP", "all", "all", 2, true));
        text = board.render(NOW);
        assertThat(row(text, "WHATSAPP").split("\\s+")).as("every verdict in: confirmed 2 of 4 resolved, final")
                .contains("50%").doesNotContain("pending)");
        assertThat(text).doesNotContain("provisional");
    }

    @Test
    void showsTheAllChannelGaugeAndTodaysAllRowTogetherAsAll() {
        WallboardModel board = new WallboardModel(Duration.ofHours(72));
        KpiCounters k = new KpiCounters();
        k.apply(KpiFact.of(NOW, "SMS", null, null, FactKind.FIRST_RESPONSE, 10_000));
        board.apply(k.toSnapshot("1d", DAY, DAY + 86_400_000L, "all", "all", "all", 1, false));
        board.apply(new QueueGauge("all", "all", 7L, 125_000L, Instant.ofEpochMilli(NOW)));
        board.apply(new QueueGauge("SMS", "all", 4L, 125_000L, Instant.ofEpochMilli(NOW)));
        board.apply(new QueueGauge("VOICE", "all", 3L, 20_000L, Instant.ofEpochMilli(NOW)));
        String text = board.render(NOW);
        assertThat(row(text, "ALL").split("\\s+")).startsWith("ALL", "7", "2m05s", "10s");
        assertThat(row(text, "VOICE").split("\\s+")).startsWith("VOICE", "3", "20s", "-");
    }

    private static String row(String board, String channel) {
        return board.lines().filter(l -> l.startsWith(channel + " ")).findFirst().orElseThrow();
    }

    private static SlaEvent breach(long at) {
        return new SlaEvent("c:FIRST_RESPONSE:1:BREACHED", "c", Channel.VOICE, null, null, SlaClock.FIRST_RESPONSE,
                SlaStatus.BREACHED, 30_000L, Instant.ofEpochMilli(at - 30_000), Instant.ofEpochMilli(at),
                Instant.ofEpochMilli(at), 0L);
    }
}

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
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WallboardModelTest {
    private static final long NOW = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    @Test
    void showsTodaysLatestRevisionTheLiveGaugeAndRecentBreachesPerChannel() {
        WallboardModel board = new WallboardModel();
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

    private static SlaEvent breach(long at) {
        return new SlaEvent("c:FIRST_RESPONSE:1:BREACHED", "c", Channel.VOICE, null, null, SlaClock.FIRST_RESPONSE,
                SlaStatus.BREACHED, 30_000L, Instant.ofEpochMilli(at - 30_000), Instant.ofEpochMilli(at),
                Instant.ofEpochMilli(at), 0L);
    }
}

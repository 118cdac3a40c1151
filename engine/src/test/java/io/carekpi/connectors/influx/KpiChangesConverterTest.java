package io.carekpi.connectors.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.KpiSnapshot;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KpiChangesConverterTest {
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void writesEveryFieldOfAPointFirstThenOnlyWhatARevisionChanged() {
        KpiChangesConverter converter = new KpiChangesConverter();

        Map<String, String> first = fields(converter.apply(snapshot("1h", 1, 10, 4, null, false), null));
        Map<String, String> second = fields(converter.apply(snapshot("1h", 2, 11, 4, 900L, false), null));
        Map<String, String> unchanged = fields(converter.apply(snapshot("1h", 3, 11, 4, 900L, false), null));

        assertThat(first).containsEntry("revision", "1i").containsEntry("is_final", "false")
                .containsEntry("opened", "10i").containsEntry("first_responses", "4i")
                .containsKey("frt_sum_ms").doesNotContainKey("frt_p50_ms"); // null: no field
        assertThat(first).hasSizeGreaterThan(20); // every non-null field of the schema
        assertThat(second).containsOnlyKeys("revision", "is_final", "opened", "frt_p50_ms")
                .containsEntry("revision", "2i").containsEntry("opened", "11i").containsEntry("frt_p50_ms", "900i");
        assertThat(unchanged).containsOnlyKeys("revision", "is_final").containsEntry("revision", "3i");
        // the full line of the same snapshot is what LineProtocol writes without the converter
        assertThat(first).isEqualTo(fields(LineProtocol.kpi(snapshot("1h", 1, 10, 4, null, false))));
    }

    @Test
    void writesAFinalRevisionInFullAndForgetsThePoint() {
        KpiChangesConverter converter = new KpiChangesConverter();
        converter.apply(snapshot("1h", 1, 10, 4, null, false), null);

        Map<String, String> last = fields(converter.apply(snapshot("1h", 2, 10, 4, null, true), null));
        Map<String, String> after = fields(converter.apply(snapshot("1h", 3, 10, 4, null, false), null));

        assertThat(last).isEqualTo(fields(LineProtocol.kpi(snapshot("1h", 2, 10, 4, null, true))));
        assertThat(after).isEqualTo(fields(LineProtocol.kpi(snapshot("1h", 3, 10, 4, null, false))));
    }

    @Test
    void keepsPointsApartAndWritesAForgottenPointInFull() {
        KpiChangesConverter converter = new KpiChangesConverter(1); // remembers one point
        converter.apply(snapshot("1h", 1, 10, 4, null, false), null);
        converter.apply(snapshot("1d", 1, 10, 4, null, false), null); // another point: the first is forgotten

        Map<String, String> hour = fields(converter.apply(snapshot("1h", 2, 10, 4, null, false), null));
        Map<String, String> day = fields(converter.apply(snapshot("1d", 2, 10, 4, null, false), null));

        assertThat(hour).isEqualTo(fields(LineProtocol.kpi(snapshot("1h", 2, 10, 4, null, false))));
        assertThat(day).isEqualTo(fields(LineProtocol.kpi(snapshot("1d", 2, 10, 4, null, false))));
    }

    private static Map<String, String> fields(String line) {
        return ParsedLine.parse(line).fields();
    }

    private static KpiSnapshot snapshot(String window, long revision, long opened, long responses, Long p50,
            boolean isFinal) {
        return KpiSnapshot.newBuilder().setWindow(window).setWindowStart(START).setWindowEnd(START.plusSeconds(3600))
                .setChannel("WHATSAPP").setAgent("all").setQueue("all").setRevision(revision).setIsFinal(isFinal)
                .setOpened(opened).setFirstResponses(responses).setFrtSumMs(2_000L * responses).setFrtP50Ms(p50)
                .build();
    }
}

package io.carekpi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {
    @TempDir Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() {
        EngineConfig c = EngineConfig.defaults();
        assertThat(c.fcrWindow).isEqualTo(Duration.ofHours(72));
        assertThat(c.maxWrapUp).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.windows).extracting(w -> w.label).containsExactly("1m", "1h", "1d");
        assertThat(c.timeZone).isEqualTo(ZoneId.of("UTC"));
        assertThat(c.kpiRetention).isEqualTo(Duration.ofHours(72).plusSeconds(5).plusMinutes(5));
    }

    @Test
    void readsShortAndIsoDurationsFromYaml() throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "fcrWindow: 48h\nmaxWrapUp: PT10M\nwindows: [5m, 1d]\ntimeZone: Europe/Paris\n");
        EngineConfig c = EngineConfig.load(f);
        assertThat(c.fcrWindow).isEqualTo(Duration.ofHours(48));
        assertThat(c.maxWrapUp).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.windows).extracting(w -> w.label).containsExactly("5m", "1d");
    }

    @Test
    void rejectsUnknownKeysAndBadValuesWithTheFileName() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "fcrWindw: 48h\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("bad.yaml").hasMessageContaining("fcrWindw");
        Files.writeString(f, "windows: [7m]\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("7m");
        Files.writeString(f, "maxWrapUp: soon\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("soon");
    }

    @Test
    void dayWindowsFollowTheLocalDayAcrossDaylightSavingChanges() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        WindowSpec day = WindowSpec.of(Duration.ofDays(1), paris);
        long t = Instant.parse("2026-03-29T12:00:00Z").toEpochMilli(); // DST starts that night
        long start = day.startOf(t);
        assertThat(Instant.ofEpochMilli(start)).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
        assertThat(day.endOf(start) - start).isEqualTo(Duration.ofHours(23).toMillis());
        WindowSpec hour = WindowSpec.of(Duration.ofHours(1), ZoneId.of("Asia/Kolkata"));
        assertThat(Instant.ofEpochMilli(hour.startOf(Instant.parse("2026-03-02T09:10:00Z").toEpochMilli())))
                .as("local hours in a half-hour zone").isEqualTo(Instant.parse("2026-03-02T08:30:00Z"));
    }
}

package io.carekpi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
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
    void anUnknownKeyIsAnErrorThatListsTheKnownOnes() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "fcrWindow: 48h\nfcrWindw: 48h\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": unknown key 'fcrWindw' (known: [fcrWindow, maxWrapUp, outOfOrderness, dedupHorizon,"
                        + " timeZone, conversationRetention, conversationIdleTimeout, earlyFiringInterval, sla,"
                        + " kpiRetention, windows])");
    }

    @Test
    void everyKeyIsReadFromTheFileAndNamedInItsValidationMessage() throws Exception {
        Path f = dir.resolve("all.yaml");
        Files.writeString(f, "fcrWindow: 48h\nmaxWrapUp: 20m\nwindows: [5m]\noutOfOrderness: 1s\n"
                + "timeZone: Europe/Paris\nconversationRetention: 40d\nearlyFiringInterval: 1s\nkpiRetention: 50h\n"
                + "sla:\n  channels:\n    VOICE: {firstResponse: 30s}\n");
        EngineConfig c = EngineConfig.load(f);
        assertThat(c.fcrWindow).isEqualTo(Duration.ofHours(48));
        assertThat(c.maxWrapUp).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.windows).extracting(w -> w.label).containsExactly("5m");
        assertThat(c.outOfOrderness).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.timeZone).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(c.conversationRetention).isEqualTo(Duration.ofDays(40));
        assertThat(c.earlyFiringInterval).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.kpiRetention).isEqualTo(Duration.ofHours(50));
        assertThat(c.sla.policyFor("VOICE", null).firstResponse()).isEqualTo(Duration.ofSeconds(30));

        Files.writeString(f, "conversationRetention: 0s\n");
        assertThatThrownBy(() -> EngineConfig.load(f))
                .hasMessage(f + ": conversationRetention must be positive, got PT0S");
        Files.writeString(f, "kpiRetention: PT-1S\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessage(f + ": kpiRetention must not be negative, got PT-1S");
        Files.writeString(f, "windows: []\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessage(f + ": windows: at least one window size is needed");
    }

    @Test
    void keysOfTheFormerDedupHorizonAndIdleTimeoutAreReadAsRetiredWithANoticeSayingWhatReplacedThem() throws Exception {
        Path f = dir.resolve("old.yaml");
        Files.writeString(f, "dedupHorizon: 10m\nconversationIdleTimeout: 7d\n");
        EngineConfig c = EngineConfig.load(f);
        assertThat(c.notices).hasSize(2).anySatisfy(n -> assertThat(n).startsWith("dedupHorizon is retired")
                .contains("conversationRetention"));
        assertThat(c.conversationRetention).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void aRetentionShorterThanTheFcrWindowIsTheFcrWindow() throws Exception {
        Path f = dir.resolve("short.yaml");
        Files.writeString(f, "conversationRetention: 1d\n");
        assertThat(EngineConfig.load(f).conversationRetention).isEqualTo(Duration.ofHours(72));
    }

    @Test
    void anUnknownKeyOfAnSlaPolicyIsAnError() throws Exception {
        Path f = dir.resolve("sla.yaml");
        Files.writeString(f, "sla:\n  queues:\n    vip: {firstResponse: 1m, firstRespons: 2m}\n");
        assertThatThrownBy(() -> EngineConfig.load(f))
                .hasMessage(f + ": sla.queues.vip: unknown key 'firstRespons'");
        Files.writeString(f, "sla:\n  channels:\n    EMAIL: {firstResponse: 4h, warnAt: 0}\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessage(f + ": sla: warnAt must be above 0, got 0.0");
    }

    @Test
    void anUnknownKeyAnywhereInTheSlaConfigurationStopsTheStartNamingIt() throws Exception {
        Path f = dir.resolve("sla.yaml");
        Files.writeString(f, "sla:\n  chanels:\n    EMAIL: {firstResponse: 4h}\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("sla: unknown key 'chanels'");
        Files.writeString(f, "sla:\n  calendars:\n    office: {timezone: Europe/London, hours: {mon: [\"09:00-17:00\"]}}\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("sla.calendars.office: unknown key 'timezone'");
        Files.writeString(f, "sla:\n  warnAtt: 0.5\n");
        assertThatThrownBy(() -> EngineConfig.load(f)).hasMessageContaining("sla: unknown key 'warnAtt'");
    }

    @Test
    void slaWideDefaultsApplyToEveryPolicyUnlessAChannelOrQueueOverridesThem() throws Exception {
        Path f = dir.resolve("sla.yaml");
        Files.writeString(f, """
                sla:
                  warnAt: 0.5
                  resolution: 24h
                  channels:
                    EMAIL: {firstResponse: 4h, warnAt: 0.9}
                    SMS: {firstResponse: 15m}
                  queues:
                    vip: {firstResponse: 1m}
                """);
        SlaConfig sla = EngineConfig.load(f).sla;
        assertThat(sla.policyFor("SMS", null).warnFraction()).as("the SLA-wide warnAt").isEqualTo(0.5);
        assertThat(sla.policyFor("EMAIL", null).warnFraction()).as("a channel's own warnAt").isEqualTo(0.9);
        assertThat(sla.policyFor("EMAIL", "vip").warnFraction()).as("queue over channel over defaults").isEqualTo(0.9);
        assertThat(sla.policyFor("SMS", null).resolution()).isEqualTo(Duration.ofHours(24));
        assertThat(sla.policyFor("VOICE", null).resolution()).as("a channel with no policy of its own")
                .isEqualTo(Duration.ofHours(24));
        assertThat(sla.policyFor("VOICE", null).firstResponse()).isNull();
        assertThat(sla.policyFor("VOICE", "vip").firstResponse()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theConfigurationPageDocumentsExactlyTheKeys() throws Exception {
        List<String> documented = Pattern.compile("(?m)^\\| `(\\w+)` \\|")
                .matcher(Files.readString(Repository.path("docs/configuration.md")))
                .results().map(r -> r.group(1)).toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(EngineConfig.Key.values()).map(k -> k.yaml).toList());
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

package io.carekpi.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {
    private static final String YAML = """
            calendars:
              office:
                timeZone: Europe/Paris
                hours:
                  mon-fri: ["09:00-12:30", "13:30-18:00"]
                  sat: ["10:00-14:00"]
                holidays: ["2026-12-25"]
            channels:
              EMAIL: {firstResponse: 4h, calendar: office}
            """;

    private static BusinessCalendar office() throws Exception {
        SlaConfig sla = SlaConfig.fromTree(new ObjectMapper(new YAMLFactory()).readTree(YAML));
        return sla.calendar("office");
    }

    private static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static Instant add(BusinessCalendar c, String start, Duration d) {
        return Instant.ofEpochMilli(c.addBusinessTime(t(start), d.toMillis()));
    }

    @Test
    void clocksRunOnlyInOpeningHoursAndSkipTheLunchBreak() throws Exception {
        // Wednesday 2026-03-04, 11:00 Paris (10:00 UTC): 1h30 until lunch, then 2h30 from 13:30.
        assertThat(add(office(), "2026-03-04T10:00:00Z", Duration.ofHours(4)))
                .isEqualTo(Instant.parse("2026-03-04T15:00:00Z"));
    }

    @Test
    void aClockStartedAtNightStartsAtTheNextOpening() throws Exception {
        assertThat(add(office(), "2026-03-04T22:00:00Z", Duration.ofMinutes(30)))
                .isEqualTo(Instant.parse("2026-03-05T08:30:00Z"));
    }

    @Test
    void weekendsFollowTheirOwnHours() throws Exception {
        // Friday 17:00 Paris: 1h on Friday, 4h on Saturday (10-14), nothing on Sunday, 1h on Monday.
        assertThat(add(office(), "2026-03-06T16:00:00Z", Duration.ofHours(6)))
                .isEqualTo(Instant.parse("2026-03-09T09:00:00Z"));
    }

    @Test
    void holidaysAreClosedAllDay() throws Exception {
        // Thursday 24 December 17:00 Paris, 2h: 1h that day, Christmas closed, 1h on Saturday 26th.
        assertThat(add(office(), "2026-12-24T16:00:00Z", Duration.ofHours(2)))
                .isEqualTo(Instant.parse("2026-12-26T10:00:00Z"));
    }

    @Test
    void openingHoursFollowTheLocalClockAcrossADaylightSavingChange() throws Exception {
        // Friday 27 March 2026 17:00 CET (16:00Z); Europe/Paris moves to CEST on Sunday 29 March.
        // 1h Friday, 4h Saturday (10-14 CET = 09-13Z), Monday opens 09:00 CEST = 07:00Z, +1h.
        assertThat(add(office(), "2026-03-27T16:00:00Z", Duration.ofHours(6)))
                .isEqualTo(Instant.parse("2026-03-30T08:00:00Z"));
        assertThat(office().businessTimeBetween(t("2026-03-27T16:00:00Z"), t("2026-03-30T08:00:00Z")))
                .isEqualTo(Duration.ofHours(6).toMillis());
    }

    @Test
    void aQueuePolicyWinsOverItsChannelsFieldByField() {
        SlaPolicy channel = new SlaPolicy(Duration.ofMinutes(15), Duration.ofMinutes(30), null, null, null);
        SlaPolicy vip = new SlaPolicy(Duration.ofMinutes(2), null, null, 0.5, null);
        SlaPolicy p = vip.over(channel);
        assertThat(p.firstResponse()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.nextResponse()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.warnFraction()).isEqualTo(0.5);
    }
}

package io.carekpi.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code carekpi simulate}: what it plans to send, with and without {@code --real-world-timelines}. */
class SimulateCommandTest {
    /** Midnight, with {@code --start-hour 0}: the planned day is sent unshifted and whole. */
    private static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");
    private static final String[] DAY = {"--seed", "7", "--conversations-per-day", "1000", "--start-hour", "0"};

    private static SimulateCommand parse(String... args) {
        CommandLine.ParseResult r = CareKpiTools.commandLine()
                .parseArgs(Stream.concat(Stream.of("simulate"), Stream.of(args)).toArray(String[]::new));
        return (SimulateCommand) r.subcommand().commandSpec().userObject();
    }

    private static List<String> json(List<InteractionEvent> events) {
        return events.stream().map(EventJson::encode).toList();
    }

    @Test
    void withoutTheOptionTheSimulatorsPlainDayIsSent() {
        SimulateCommand cmd = parse(DAY);
        assertThat(cmd.realWorldTimelines).isFalse();
        List<InteractionEvent> events = cmd.plannedEvents(NOW);
        List<InteractionEvent> plain = TrafficSimulator.simulate(SimulationConfig.builder().seed(7)
                .firstDay(LocalDate.of(2026, 3, 2)).conversationsPerDay(1000).agents(40).build()).events();
        assertThat(json(events)).isEqualTo(json(plain));
        assertThat(events).map(InteractionEvent::getEventId).doesNotHaveDuplicates();
        assertThat(events).noneMatch(e -> e.getConversationId().startsWith("survey-only-"));
    }

    @Test
    void theOptionSendsTheTimelinesOfRealSources() {
        SimulateCommand cmd = parse(Stream.concat(Stream.of(DAY), Stream.of("--real-world-timelines"))
                .toArray(String[]::new));
        assertThat(cmd.realWorldTimelines).isTrue();
        List<InteractionEvent> events = cmd.plannedEvents(NOW);

        // re-deliveries and conflicting copies: an eventId sent again, in list order after events
        // that happen hours after its original
        Map<String, Long> firstAt = new HashMap<>();
        long latestSoFar = Long.MIN_VALUE;
        long copies = 0;
        long longestDelay = 0;
        for (InteractionEvent e : events) {
            long t = e.getOccurredAt().toEpochMilli();
            Long original = firstAt.putIfAbsent(e.getEventId(), t);
            if (original != null) {
                copies++;
                longestDelay = Math.max(longestDelay, latestSoFar - original);
            }
            latestSoFar = Math.max(latestSoFar, t);
        }
        assertThat(copies).isPositive();
        assertThat(Duration.ofMillis(longestDelay)).isGreaterThan(Duration.ofHours(1));
        // surveys without a channel, more of them than in the plain day; surveys of conversations never seen
        assertThat(events.stream().filter(SimulateCommandTest::surveyWithoutChannel).count())
                .isGreaterThan(parse(DAY).plannedEvents(NOW).stream().filter(SimulateCommandTest::surveyWithoutChannel)
                        .count());
        assertThat(events).anyMatch(e -> e.getType() == EventType.SURVEY_RESPONSE
                && e.getConversationId().startsWith("survey-only-"));
        // tickets reopened after the 72 h FCR window: days after the planned day
        assertThat(events).anyMatch(e -> e.getType() == EventType.REOPENED
                && e.getOccurredAt().isAfter(NOW.plus(Duration.ofDays(4))));
    }

    private static boolean surveyWithoutChannel(InteractionEvent e) {
        return e.getType() == EventType.SURVEY_RESPONSE && e.getChannel() == Channel.UNKNOWN;
    }

    @Test
    void theOptionIsListedInTheHelp() {
        assertThat(CareKpiTools.commandLine().getSubcommands().get("simulate").getUsageMessage())
                .contains("--real-world-timelines");
    }
}

package io.carekpi.tools.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.io.EventJson;
import io.carekpi.io.InvalidEventException;
import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.InteractionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTest {
    private static final Simulation SIM = TrafficSimulator.simulate(
            SimulationConfig.builder().seed(21).conversationsPerDay(400).build());
    private static final DeliveryOptions OPTIONS = new DeliveryOptions(4, Duration.ofSeconds(3), 0.05, 12);

    @TempDir Path dir;

    private static InteractionEvent decode(String line) {
        try {
            return EventJson.decode(line);
        } catch (InvalidEventException e) {
            throw new AssertionError(line, e);
        }
    }

    @Test
    void inOrderDeliveryIsTheEventsEncodedInEventTimeOrder() {
        DeliveredTraffic d = SIM.deliver(DeliveryOptions.inOrder());
        assertThat(d.lines()).isEqualTo(SIM.events().stream().map(EventJson::encode).toList());
        assertThat(d.arrivals()).isEqualTo(SIM.events());
        assertThat(d.duplicates()).isZero();
        assertThat(d.invalidLines()).isEmpty();
    }

    @Test
    void eventsArriveOutOfOrderByAtMostTheConfiguredDisorder() {
        DeliveredTraffic d = SIM.deliver(OPTIONS);
        List<InteractionEvent> arrivals = d.arrivals();
        long latest = arrivals.get(0).getOccurredAt().toEpochMilli();
        int overtaken = 0;
        for (InteractionEvent e : arrivals) {
            long t = e.getOccurredAt().toEpochMilli();
            assertThat(t).isGreaterThanOrEqualTo(latest - 3_000);
            if (t < latest) {
                overtaken++;
            }
            latest = Math.max(latest, t);
        }
        assertThat(overtaken).as("some events arrive after later ones").isGreaterThan(10);
    }

    @Test
    void duplicatesAreExactCopiesAndTheirCountIsKnown() {
        DeliveredTraffic d = SIM.deliver(OPTIONS);
        Map<String, Integer> seen = new HashMap<>();
        for (InteractionEvent e : d.arrivals()) {
            seen.merge(e.getEventId(), 1, Integer::sum);
        }
        long repeats = seen.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(repeats).isEqualTo(d.duplicates()).isGreaterThan(0);
        assertThat(seen.keySet()).isEqualTo(SIM.events().stream().map(InteractionEvent::getEventId)
                .collect(Collectors.toSet()));
        assertThat(d.arrivals()).hasSize(SIM.events().size() + (int) d.duplicates());
        assertThat(Set.copyOf(d.arrivals())).isEqualTo(Set.copyOf(SIM.events()));
    }

    @Test
    void exactlyTheInvalidLinesFailDecodingOrValidation() {
        DeliveredTraffic d = SIM.deliver(OPTIONS);
        assertThat(d.invalidLines()).hasSize(12);
        assertThat(d.invalidLines()).extracting(InvalidLine::kind).containsOnly(InvalidLine.Kind.values());
        Set<Long> bad = d.invalidLines().stream().map(InvalidLine::line).collect(Collectors.toSet());
        for (int i = 0; i < d.lines().size(); i++) {
            String line = d.lines().get(i);
            String problem;
            try {
                problem = EventValidator.problem(EventJson.decode(line));
            } catch (InvalidEventException e) {
                problem = e.getMessage();
            }
            assertThat(problem != null).as("line %d: %s", i + 1, line).isEqualTo(bad.contains(i + 1L));
        }
        for (InvalidLine l : d.invalidLines()) {
            assertThat(d.lines().get((int) l.line() - 1)).isEqualTo(l.text());
        }
        assertThat(d.lines()).hasSize(d.arrivals().size() + 12);
    }

    @Test
    void theJsonLinesFileHoldsTheLinesInOrder() throws Exception {
        DeliveredTraffic d = SIM.deliver(OPTIONS);
        Path file = dir.resolve("sub/day.jsonl");
        d.writeJsonLines(file);
        assertThat(Files.readAllLines(file)).isEqualTo(d.lines());
        assertThat(decode(d.lines().stream().filter(l -> !l.startsWith("<")).findFirst().orElseThrow())).isNotNull();
    }

    @Test
    void impossibleOptionsAreRefused() {
        assertThatThrownBy(() -> new DeliveryOptions(1, Duration.ofSeconds(-1), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryOptions(1, Duration.ZERO, 1.5, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

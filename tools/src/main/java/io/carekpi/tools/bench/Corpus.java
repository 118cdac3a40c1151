package io.carekpi.tools.bench;

import io.carekpi.io.EventAvro;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The benchmark input: simulated days of traffic, pre-encoded as Avro single-object records (as
 * they sit on Kafka), held in memory so that neither the baseline nor the engine measures I/O.
 * Static, so a local Flink environment in the same JVM reads it without serializing it.
 *
 * <p>Above {@link #MAX_SIMULATED_PER_DAY} conversations a day, a day is the overlay of several
 * independently simulated days (distinct seeds, conversation and customer ids), merged in
 * event-time order and cut at the instant where the corpus reaches its size: the same events
 * per second as the simulator's days would give, with proportionally more conversations open
 * at once (the scaling benchmark).
 */
public final class Corpus {
    /** Largest day simulated in one piece (its events are held as objects while encoding). */
    public static final int MAX_SIMULATED_PER_DAY = 60_000;

    static volatile byte[][] records = new byte[0][];

    private Corpus() {}

    /** Generates about {@code minEvents} events (at least, below one overlay), day after day, in event-time order. */
    public static byte[][] generate(long minEvents, int conversationsPerDay, long seed) {
        records = new byte[0][]; // let a previous corpus go before building the next
        int copies = (conversationsPerDay + MAX_SIMULATED_PER_DAY - 1) / MAX_SIMULATED_PER_DAY;
        int perCopy = conversationsPerDay / copies;
        List<byte[]> out = new ArrayList<>();
        LocalDate day = LocalDate.of(2026, 3, 2);
        for (int d = 0; out.size() < minEvents; d++) {
            List<Timed> merged = new ArrayList<>();
            long cutoff = Long.MAX_VALUE;
            for (int c = 0; c < copies; c++) {
                List<InteractionEvent> events = TrafficSimulator.simulate(SimulationConfig.builder()
                        .seed(seed + (long) d * copies + c).firstDay(day.plusDays(d))
                        .conversationsPerDay(perCopy).build()).events();
                if (c == 0 && copies > 1 && out.size() + (long) events.size() * copies > minEvents) {
                    // this day completes the corpus: keep each copy up to the instant where copy 0
                    // holds its share of the events still needed
                    int share = (int) Math.min(events.size() - 1, (minEvents - out.size() + copies - 1) / copies);
                    cutoff = events.get(share).getOccurredAt().toEpochMilli();
                }
                // distinct ids per simulated day and copy, so days and copies do not collide
                String prefix = copies == 1 ? "d" + d + "-" : "d" + d + "c" + c + "-";
                for (InteractionEvent e : events) {
                    long t = e.getOccurredAt().toEpochMilli();
                    if (t >= cutoff) {
                        continue;
                    }
                    InteractionEvent.Builder renamed = InteractionEvent.newBuilder(e)
                            .setEventId(prefix + e.getEventId())
                            .setConversationId(prefix + e.getConversationId());
                    if (copies > 1 && e.getCustomerId() != null) {
                        renamed.setCustomerId("c" + c + "-" + e.getCustomerId());
                    }
                    merged.add(new Timed(t, EventAvro.encode(renamed.build())));
                }
            }
            if (copies > 1) {
                merged.sort(Comparator.comparingLong(Timed::at)); // stable: ties keep each copy's order
            }
            for (Timed t : merged) {
                out.add(t.record());
            }
            if (cutoff != Long.MAX_VALUE) {
                break;
            }
        }
        records = out.toArray(new byte[0][]);
        return records;
    }

    private record Timed(long at, byte[] record) {}
}

package io.carekpi.bench;

import io.carekpi.io.EventAvro;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.sim.SimulationConfig;
import io.carekpi.sim.TrafficSimulator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark input: simulated days of traffic, pre-encoded as Avro single-object records (as
 * they sit on Kafka), held in memory so that neither the baseline nor the engine measures I/O.
 * Static, so a local Flink environment in the same JVM reads it without serializing it.
 */
public final class Corpus {
    static volatile byte[][] records = new byte[0][];

    private Corpus() {}

    /** Generates at least {@code minEvents} events, day after day, in event-time order. */
    public static byte[][] generate(long minEvents, int conversationsPerDay, long seed) {
        List<byte[]> out = new ArrayList<>();
        LocalDate day = LocalDate.of(2026, 3, 2);
        for (int d = 0; out.size() < minEvents; d++) {
            List<InteractionEvent> events = TrafficSimulator.simulate(SimulationConfig.builder().seed(seed + d)
                    .firstDay(day.plusDays(d)).conversationsPerDay(conversationsPerDay).build()).events();
            String prefix = "d" + d + "-";
            for (InteractionEvent e : events) {
                // distinct ids per simulated day, so days do not collide
                InteractionEvent renamed = InteractionEvent.newBuilder(e)
                        .setEventId(prefix + e.getEventId())
                        .setConversationId(prefix + e.getConversationId())
                        .build();
                out.add(EventAvro.encode(renamed));
            }
        }
        records = out.toArray(new byte[0][]);
        return records;
    }
}

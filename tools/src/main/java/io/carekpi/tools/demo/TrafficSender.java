package io.carekpi.tools.demo;

import io.carekpi.io.EventAvro;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.sim.DeliveryOptions;
import io.carekpi.tools.sim.Simulation;
import io.carekpi.tools.sim.SimulationConfig;
import io.carekpi.tools.sim.TrafficSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends simulated traffic to Kafka as it happens: a planned day is shifted so that its
 * {@code startHour} is now, conversations already under way are left out, and each event is sent
 * when the wall clock reaches its {@code occurredAt} (Avro single-object, keyed by conversation,
 * timestamped at occurredAt), in list order: an event whose time has passed when its turn comes
 * (a late copy) is sent at once. {@code maxRate} caps events per second.
 */
public final class TrafficSender implements Runnable {
    private final String bootstrap;
    private final String topic;
    private final List<InteractionEvent> events;
    private final double maxRate;
    private final Properties clientProperties;
    private volatile boolean running = true;
    private volatile long sent;

    public TrafficSender(String bootstrap, Properties clientProperties, String topic, List<InteractionEvent> events,
                         double maxRate) {
        this.bootstrap = bootstrap;
        this.clientProperties = clientProperties;
        this.topic = topic;
        this.events = events;
        this.maxRate = maxRate;
    }

    /** A day of traffic planned with {@code seed}, shifted so its {@code startHour} (UTC) is {@code now}. */
    public static List<InteractionEvent> liveDay(long seed, int conversationsPerDay, int agents, int startHour,
                                                 Instant now) {
        return liveDay(seed, conversationsPerDay, agents, startHour, now, false);
    }

    /**
     * As {@link #liveDay(long, int, int, int, Instant)}; with {@code realWorldTimelines} the day is
     * planned with {@link SimulationConfig#realWorldTimelines} (reopens days later, late surveys,
     * some without a channel, surveys of conversations never seen) and its late copies (re-deliveries
     * hours later, conflicting copies) stand at their arrival: a copy keeps its original's
     * {@code occurredAt}, so it is sent as soon as the events before it have been, hours after its original.
     */
    public static List<InteractionEvent> liveDay(long seed, int conversationsPerDay, int agents, int startHour,
                                                 Instant now, boolean realWorldTimelines) {
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        return liveDay(SimulationConfig.builder().seed(seed).firstDay(day).conversationsPerDay(conversationsPerDay)
                .agents(agents).realWorldTimelines(realWorldTimelines).build(), startHour, now);
    }

    /**
     * The one day {@code cfg} plans (its {@code firstDay}, in its zone), shifted so its
     * {@code startHour} is {@code now}; late copies as in the overload above when {@code cfg} has
     * real-world timelines.
     */
    public static List<InteractionEvent> liveDay(SimulationConfig cfg, int startHour, Instant now) {
        Simulation simulation = TrafficSimulator.simulate(cfg);
        List<InteractionEvent> planned = cfg.realWorldTimelines
                ? simulation.deliver(DeliveryOptions.inOrder()).arrivals() : simulation.events();
        long shift = now.toEpochMilli() - cfg.firstDay.atStartOfDay(cfg.zone).plusHours(startHour).toInstant().toEpochMilli();
        Set<String> underWay = new HashSet<>();
        List<InteractionEvent> out = new ArrayList<>();
        for (InteractionEvent e : planned) {
            long t = e.getOccurredAt().toEpochMilli() + shift;
            if (t < now.toEpochMilli()) {
                underWay.add(e.getConversationId());
                continue;
            }
            if (underWay.contains(e.getConversationId())) {
                continue;
            }
            InteractionEvent shifted = InteractionEvent.newBuilder(e).setOccurredAt(Instant.ofEpochMilli(t)).build();
            out.add(shifted);
        }
        return out;
    }

    public long sent() {
        return sent;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("linger.ms", "5");
        long minGapNanos = maxRate > 0 ? (long) (1e9 / maxRate) : 0;
        long lastSend = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (InteractionEvent e : events) {
                if (!running) {
                    break;
                }
                long due = e.getOccurredAt().toEpochMilli();
                long wait = due - System.currentTimeMillis();
                while (running && wait > 0) {
                    Thread.sleep(Math.min(wait, 200));
                    wait = due - System.currentTimeMillis();
                }
                if (minGapNanos > 0) {
                    long gap = System.nanoTime() - lastSend;
                    if (gap < minGapNanos) {
                        Thread.sleep(Duration.ofNanos(minGapNanos - gap).toMillis());
                    }
                    lastSend = System.nanoTime();
                }
                producer.send(new ProducerRecord<>(topic, null, due,
                        e.getConversationId().getBytes(StandardCharsets.UTF_8), EventAvro.encode(e)));
                sent++;
            }
            producer.flush();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}

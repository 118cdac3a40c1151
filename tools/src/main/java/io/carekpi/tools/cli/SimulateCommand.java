package io.carekpi.tools.cli;

import io.carekpi.cli.KafkaOptions;

import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.tools.demo.TrafficSender;
import io.carekpi.jobs.RuntimeSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Sends realistic care traffic to Kafka as it happens: every channel, agents, queues, bots,",
                "holds, transfers, surveys, reopens, repeat customers, a diurnal rate curve. Seeded: the same seed",
                "plans the same day."})
final class SimulateCommand implements Callable<Integer> {
    @Mixin KafkaOptions kafkaOptions;

    @Option(names = "--topic", defaultValue = KafkaSettings.EVENTS, description = "Default ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--seed", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--conversations-per-day", defaultValue = "20000",
            description = "Daily volume; the diurnal curve puts about a tenth of it in the peak hour. Default ${DEFAULT-VALUE}.")
    int conversationsPerDay;

    @Option(names = "--agents", defaultValue = "40", description = "Default ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--start-hour", defaultValue = "10",
            description = "Which hour of the planned day starts now (10: mid-morning traffic). Default ${DEFAULT-VALUE}.")
    int startHour;

    @Option(names = "--max-rate", defaultValue = "0", description = "Cap in events per second; 0 for none.")
    double maxRate;

    @Option(names = "--duration", description = "Stop after this long (e.g. 10m); default: the rest of the day.",
            converter = RuntimeSettings.DurationConverter.class)
    Duration duration;

    @Option(names = "--real-world-timelines",
            description = {"Also send what real sources do over days: tickets reopened days after their resolution,",
                    "surveys up to a week later (some without a channel, some of conversations never seen), webhook",
                    "re-deliveries hours later and conflicting copies of an eventId. The engine must remember",
                    "conversations 30 days (conversationRetention, as shipped). Off by default: a seed sends the same",
                    "traffic as without the option."})
    boolean realWorldTimelines;

    /** The events to send, planned for a day whose {@code --start-hour} is {@code now}. */
    List<InteractionEvent> plannedEvents(Instant now) {
        return TrafficSender.liveDay(seed, conversationsPerDay, agents, startHour, now, realWorldTimelines);
    }

    @Override
    public Integer call() throws Exception {
        var events = plannedEvents(Instant.now());
        TrafficSender sender = new TrafficSender(kafkaOptions.bootstrapServers, kafkaOptions.clientProperties(), topic,
                events, maxRate);
        Thread t = new Thread(sender, "traffic");
        t.start();
        System.out.printf("simulating %d events to %s at %s (seed %d%s)%n", events.size(), topic,
                kafkaOptions.bootstrapServers, seed, realWorldTimelines ? ", real-world timelines" : "");
        if (duration != null) {
            t.join(duration.toMillis());
            sender.stop();
        }
        t.join();
        System.out.printf("sent %d events%n", sender.sent());
        return 0;
    }
}

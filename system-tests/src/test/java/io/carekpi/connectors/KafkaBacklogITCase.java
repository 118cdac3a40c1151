package io.carekpi.connectors;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.connectors.kafka.KafkaBacklog;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a partition is read to its end, on the real broker: what lets the live watermark follow the wall clock. */
class KafkaBacklogITCase {
    private static final InteractionEvent EVENT = conversation("c1", Channel.SMS).customer("u1").at(0).opened().last();

    @TempDir Path dir;

    private static Decoded readAt(long offset) {
        return Decoded.event(new DecodedEvent(EVENT, offset), 0);
    }

    @Test
    void aPartitionIsCaughtUpOnlyWhenItsLastRecordWasReadAndItsEndIsKnown() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            KafkaSettings kafka = KafkaSettings.defaults(broker.bootstrapServers());
            try (var admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(kafka.eventsTopic(), 1, (short) 1))).all().get();
            }
            KafkaTopics.produceRaw(broker.bootstrapServers(), kafka.eventsTopic(), "c1",
                    Collections.nCopies(5, "x".getBytes(StandardCharsets.UTF_8)));
            KafkaBacklog backlog = new KafkaBacklog(kafka);

            assertThat(caughtUp(backlog, readAt(4))).as("its end not polled yet: cannot tell").isFalse();
            assertThat(eventually(() -> caughtUp(backlog, readAt(4)))).as("offset 4 is the last of 5").isTrue();
            assertThat(caughtUp(backlog, readAt(2))).as("two records still to read").isFalse();
            assertThat(caughtUp(backlog, Decoded.event(new DecodedEvent(EVENT, 4)))).as("no partition").isFalse();
            long later = System.currentTimeMillis() + 60_000;
            assertThat(eventually(() -> backlog.allStartedSince(0))).as("its one partition is read here").isTrue();
            assertThat(backlog.allStartedSince(later)).as("not read since a later (re)start").isFalse();

            // A transactional producer: 3 records (offsets 5-7) and the commit marker (8).
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", broker.bootstrapServers());
            p.setProperty("transactional.id", "backlog-test");
            try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(kafka.eventsTopic(), "c1".getBytes(StandardCharsets.UTF_8),
                            "y".getBytes(StandardCharsets.UTF_8)));
                }
                producer.commitTransaction();
            }
            assertThat(eventually(() -> !caughtUp(backlog, readAt(4)))).as("new records to read").isTrue();
            assertThat(eventually(() -> caughtUp(backlog, readAt(7)))).as("the marker is not a record to wait for")
                    .isTrue();

            broker.close();
            assertThat(eventually(() -> !caughtUp(backlog, readAt(7))))
                    .as("the broker gone: its end unknown, nothing to say the input is quiet").isTrue();
        }
    }

    /** Read to its end, as of an instant no later than now. */
    private static boolean caughtUp(KafkaBacklog backlog, Decoded last) {
        long at = backlog.readToEndAt(last);
        assertThat(at).as("known read to its end as of a poll, never of the future").isLessThanOrEqualTo(
                System.currentTimeMillis());
        return at != io.carekpi.flink.LiveWatermarks.NOT_READ_TO_END;
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}

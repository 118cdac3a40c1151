package io.carekpi.connectors.kafka;

import io.carekpi.events.Decoded;
import io.carekpi.flink.LiveWatermarks;
import java.util.Properties;

/**
 * Whether a partition of {@code care.events} is read to its end: the last record read from it is
 * the last one a {@code read_committed} consumer can see, as a recent poll of the partition's end
 * offset says ({@link PartitionEnds}). One offset of slack: a transactional producer's commit
 * marker takes one after its records and is never read as a record. No recent poll (broker
 * unreachable, first moments of a partition) means no. For an input that has read nothing yet
 * ({@code last} null): yes when the broker answers and every partition read in this process is at
 * its end.
 */
public final class KafkaBacklog implements LiveWatermarks.Backlog<Decoded> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Properties client;
    private transient PartitionEnds ends;

    public KafkaBacklog(KafkaSettings kafka) {
        this.topic = kafka.eventsTopic();
        this.client = kafka.client();
        this.client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public boolean caughtUp(Decoded last) {
        if (ends == null) {
            ends = PartitionEnds.of(topic, client);
        }
        if (last == null) {
            return ends.nothingWaits();
        }
        if (last.partition() == Decoded.NO_PARTITION) {
            return false;
        }
        return ends.readTo(last.partition(), last.seq());
    }

    /** Every partition of the topic has been read in this process since {@code since}. */
    @Override
    public boolean allStartedSince(long since) {
        if (ends == null) {
            ends = PartitionEnds.of(topic, client);
        }
        return ends.allReadSince(since);
    }
}

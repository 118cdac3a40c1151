package io.carekpi.connectors.kafka;

import io.carekpi.events.Decoded;
import io.carekpi.flink.LiveWatermarks;
import java.util.Properties;

/**
 * Whether a partition of {@code care.events} is read to its end, and as of when: the last record
 * read from it is the last one a {@code read_committed} consumer could see when a recent poll of the
 * partition's end offset was sent ({@link PartitionEnds}); that instant, not the present, is how
 * far the watermark may follow the wall clock. One offset of slack: a transactional producer's commit
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
    public long readToEndAt(Decoded last) {
        if (ends == null) {
            ends = PartitionEnds.of(topic, client);
        }
        if (last == null) {
            return ends.nothingWaits() ? System.currentTimeMillis() : LiveWatermarks.NOT_READ_TO_END;
        }
        if (last.partition() == Decoded.NO_PARTITION) {
            return LiveWatermarks.NOT_READ_TO_END;
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

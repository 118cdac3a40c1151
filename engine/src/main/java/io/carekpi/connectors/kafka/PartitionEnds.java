package io.carekpi.connectors.kafka;

import io.carekpi.flink.LiveWatermarks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end offsets of a topic's partitions as a {@code read_committed} consumer sees them (the last
 * stable offset), polled every {@link #POLL_INTERVAL} by one daemon thread per topic and cluster in
 * the JVM, for the partitions someone asked about. An end is reported only while the poll that saw
 * it is recent: during a broker outage there is none, and for {@link #RECOVERY_GRACE} after the
 * broker last failed to answer none either: producers that buffered during the outage are still
 * sending what they held, which the broker's end offsets cannot show yet. The thread ends when
 * nobody has asked for a minute and starts again at the next question.
 */
final class PartitionEnds {
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** An end older than this is not reported (the broker did not answer since). */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    private static final long IDLE_STOP_MS = 60_000;
    /** After the broker failed to answer, how long its end offsets are not taken as the input's end. */
    static final Duration RECOVERY_GRACE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(PartitionEnds.class);
    private static final Map<String, PartitionEnds> SHARED = new HashMap<>();

    private final String key;
    private final String topic;
    private final Properties client;
    private final Map<Integer, long[]> ends = new ConcurrentHashMap<>(); // partition -> {end, seenAt}
    /**
     * The last offset read from each partition in this process, and when a reader last said so
     * (every watermark interval while it reads the partition; one not heard of for {@link
     * #FORGET_READER} is no longer read here, e.g. after a failover moved it).
     */
    private final Map<Integer, long[]> read = new ConcurrentHashMap<>();
    private static final long FORGET_READER = 10_000;
    private volatile long lastAsked = System.currentTimeMillis();
    /** When the broker last answered a poll. */
    private volatile long lastAnswer = Long.MIN_VALUE;
    /** When a poll last went unanswered. */
    private volatile long lastUnanswered = Long.MIN_VALUE;
    /** The topic's partitions (-1: not known yet), looked up every {@link #PARTITIONS_REFRESH_MS}. */
    private volatile int partitions = -1;
    private long partitionsKnownAt = Long.MIN_VALUE;
    private static final long PARTITIONS_REFRESH_MS = 10_000;

    private PartitionEnds(String key, String topic, Properties client) {
        this.key = key;
        this.topic = topic;
        this.client = client;
    }

    /** The poller of {@code topic} on the cluster of {@code client}, started if needed. */
    static PartitionEnds of(String topic, Properties client) {
        String key = topic + '\u001f' + client;
        synchronized (SHARED) {
            PartitionEnds p = SHARED.get(key);
            if (p == null) {
                p = new PartitionEnds(key, topic, client);
                SHARED.put(key, p);
                Thread t = new Thread(p::run, "carekpi-partition-ends-" + topic);
                t.setDaemon(true);
                t.start();
            }
            return p;
        }
    }

    /**
     * When a poll within {@link #MAX_AGE} saw {@code offset}, just read from {@code partition}, as
     * its last record (one offset of slack for a transaction marker): the instant that poll was
     * sent, else {@link LiveWatermarks#NOT_READ_TO_END}. Remembers the position.
     */
    long readTo(int partition, long offset) {
        read.put(partition, new long[] {offset, System.currentTimeMillis()});
        long[] seen = endAndWhen(partition);
        return seen != null && seen[0] - (offset + 1) <= 1 ? seen[1] : LiveWatermarks.NOT_READ_TO_END;
    }

    /** Whether the broker answered within {@link #MAX_AGE} and every partition read in this process is at its end. */
    boolean nothingWaits() {
        long now = System.currentTimeMillis();
        lastAsked = now;
        if (now - lastAnswer > MAX_AGE.toMillis()
                || (lastUnanswered != Long.MIN_VALUE && now - lastUnanswered < RECOVERY_GRACE.toMillis())) {
            return false;
        }
        for (Map.Entry<Integer, long[]> r : read.entrySet()) {
            long[] at = r.getValue();
            long end = end(r.getKey());
            if (now - at[1] <= FORGET_READER && (end < 0 || end - (at[0] + 1) > 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every partition of the topic has been read in this process since {@code since} (a
     * reader says so at every watermark interval while it reads one, see {@link #readTo}).
     */
    boolean allReadSince(long since) {
        int n = partitions;
        if (n < 0) {
            return false;
        }
        for (int p = 0; p < n; p++) {
            long[] at = read.get(p);
            if (at == null || at[1] < since) {
                return false;
            }
        }
        return true;
    }

    /** The partition's end offset if a poll within {@link #MAX_AGE} saw it, else -1; watches the partition from now on. */
    long end(int partition) {
        long[] seen = endAndWhen(partition);
        return seen == null ? -1 : seen[0];
    }

    /**
     * {end offset, when the poll that saw it was sent} if a poll within {@link #MAX_AGE} saw it,
     * else null; watches the partition from now on.
     */
    private long[] endAndWhen(int partition) {
        long now = System.currentTimeMillis();
        lastAsked = now;
        long[] e = ends.computeIfAbsent(partition, p -> new long[] {-1, Long.MIN_VALUE});
        if (lastUnanswered != Long.MIN_VALUE && now - lastUnanswered < RECOVERY_GRACE.toMillis()) {
            return null;
        }
        synchronized (e) {
            return e[0] >= 0 && now - e[1] <= MAX_AGE.toMillis() ? new long[] {e[0], e[1]} : null;
        }
    }

    private void run() {
        Properties p = new Properties();
        p.putAll(client);
        p.putIfAbsent("request.timeout.ms", "2000");
        p.putIfAbsent("default.api.timeout.ms", "2000");
        try (Admin admin = Admin.create(p)) {
            while (System.currentTimeMillis() - lastAsked < IDLE_STOP_MS) {
                poll(admin);
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("end offsets of {}: poller stopped ({}); watermarks will not follow the wall clock until it restarts",
                    topic, e.toString());
        } finally {
            synchronized (SHARED) {
                SHARED.remove(key, this);
            }
        }
    }

    private void poll(Admin admin) {
        long now = System.currentTimeMillis();
        if (partitions < 0 || now - partitionsKnownAt > PARTITIONS_REFRESH_MS) {
            try {
                int n = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
                for (int p = 0; p < n; p++) {
                    ends.computeIfAbsent(p, k -> new long[] {-1, Long.MIN_VALUE});
                }
                partitions = n;
                partitionsKnownAt = now;
                lastAnswer = now;
            } catch (Exception e) {
                unanswered(e);
                return;
            }
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (Integer partition : ends.keySet()) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        long asked = System.currentTimeMillis();
        try {
            ListOffsetsResult result = admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(2000));
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r
                    : result.all().get(3, TimeUnit.SECONDS).entrySet()) {
                long[] e = ends.get(r.getKey().partition());
                synchronized (e) {
                    e[0] = r.getValue().offset();
                    e[1] = asked; // the end was at least this when asked: never newer than what was read then
                }
            }
            lastAnswer = asked;
        } catch (Exception e) {
            unanswered(e);
        }
    }

    private void unanswered(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (lastUnanswered == Long.MIN_VALUE || lastAnswer > lastUnanswered) {
            LOG.warn("end offsets of {} not available ({}): watermarks follow the events alone until the broker "
                    + "has answered for {}", topic, e.toString(), RECOVERY_GRACE);
        }
        lastUnanswered = System.currentTimeMillis();
    }
}

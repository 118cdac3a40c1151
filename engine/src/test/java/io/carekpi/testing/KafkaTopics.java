package io.carekpi.testing;

import io.carekpi.io.EventAvro;
import io.carekpi.schema.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing events to and reading whole topics from a real broker, for integration tests. */
public final class KafkaTopics {
    private KafkaTopics() {}

    /**
     * Producer settings that keep the order of the records: plain retries, one request in flight,
     * without the idempotent producer's sequence numbers, which a broker that has just created a
     * topic (or just restarted) can reject with OutOfOrderSequenceException while partition
     * leadership settles. A rare duplicate from a retried request is harmless: the engine drops
     * repeated event ids.
     */
    public static Properties inOrder(String bootstrap, Properties more) {
        Properties p = new Properties();
        p.putAll(more);
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        p.setProperty("retries", "20");
        p.setProperty("retry.backoff.ms", "250");
        p.setProperty("enable.idempotence", "false");
        p.setProperty("max.in.flight.requests.per.connection", "1");
        return p;
    }

    /** Produces events as Avro single-object records keyed by conversation, timestamped at occurredAt. */
    public static void produce(String bootstrap, String topic, List<InteractionEvent> events) throws Exception {
        Properties p = inOrder(bootstrap, new Properties());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>(events.size());
            for (InteractionEvent e : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, e.getOccurredAt().toEpochMilli(),
                        e.getConversationId().getBytes(StandardCharsets.UTF_8), EventAvro.encode(e))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(); // a send that failed fails the test here, not as missing events later
            }
        }
    }

    /** Produces raw values (e.g. garbage bytes) keyed by {@code key}. */
    public static void produceRaw(String bootstrap, String topic, String key, List<byte[]> values) throws Exception {
        produceRaw(bootstrap, topic, key, values, new Properties());
    }

    /** {@link #produceRaw(String, String, String, List)} with more producer properties (e.g. max.request.size). */
    public static void produceRaw(String bootstrap, String topic, String key, List<byte[]> values, Properties more)
            throws Exception {
        Properties p = new Properties();
        p.putAll(more);
        p.setProperty("bootstrap.servers", bootstrap);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (byte[] v : values) {
                sent.add(producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), v)));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        }
    }

    /**
     * Produces records as they are (key and value bytes, a null value too) in the given order, one
     * request in flight as {@link #produce}, and returns where each one landed, in the same order.
     */
    public static List<RecordMetadata> produceInOrder(String bootstrap, String topic, List<byte[]> keys,
                                                      List<byte[]> values, Properties more) throws Exception {
        Properties p = inOrder(bootstrap, more);
        List<RecordMetadata> landed = new ArrayList<>(values.size());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i))));
            }
            producer.flush();
            for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                landed.add(f.get());
            }
        }
        return landed;
    }

    /** Lets a topic hold records up to {@code bytes} long (the broker's default is about 1 MiB). */
    public static void allowRecordsOf(String bootstrap, String topic, int bytes) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var op = new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", Integer.toString(bytes)),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(java.util.Map.of(resource, List.of(op))).all().get();
            // The controller has it; the broker applies it from the metadata log a moment later, and a
            // record produced before that is refused as too large. Wait until the broker says so.
            long until = System.currentTimeMillis() + 30_000;
            while (true) {
                var entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("max.message.bytes");
                if (entry != null && Integer.toString(bytes).equals(entry.value())) {
                    return;
                }
                if (System.currentTimeMillis() > until) {
                    throw new IllegalStateException("topic " + topic + " still has max.message.bytes "
                            + (entry == null ? null : entry.value()) + " 30 s after it was set to " + bytes);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Waits until no transaction is open on the topics: their last stable offsets (what a
     * {@code read_committed} reader reads to) reach their high watermarks. A job's last transaction is
     * committed when the job ends, but the broker writes its commit markers to the partitions a
     * moment later; until then {@link #readAll} stops before the transaction's records.
     *
     * @return how long it waited, in milliseconds
     */
    public static long awaitCommitted(String bootstrap, List<String> topics) throws InterruptedException {
        long started = System.currentTimeMillis();
        long deadline = started + 60_000;
        while (true) {
            Map<TopicPartition, Long>[] ends = stableAndHighWatermarks(bootstrap, topics);
            if (ends[0].equals(ends[1])) {
                return System.currentTimeMillis() - started;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("transactions still open on " + topics + " after 60 s: last stable offsets "
                        + ends[0] + ", high watermarks " + ends[1]);
            }
            Thread.sleep(100);
        }
    }

    /** Each partition's end (high watermark) now. */
    public static Map<TopicPartition, Long> ends(String bootstrap, List<String> topics) {
        return stableAndHighWatermarks(bootstrap, topics)[1];
    }

    /**
     * Waits until {@code read_committed} readers can read past {@code offsets} (each partition's
     * last stable offset reaches them): the transactions open there then are committed or aborted,
     * whatever is open later. Returns how long it waited (ms), or fails after 60 s.
     */
    public static long awaitStablePast(String bootstrap, List<String> topics, Map<TopicPartition, Long> offsets)
            throws InterruptedException {
        long started = System.currentTimeMillis();
        while (true) {
            Map<TopicPartition, Long> stable = stableAndHighWatermarks(bootstrap, topics)[0];
            if (offsets.entrySet().stream().allMatch(e -> stable.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
                return System.currentTimeMillis() - started;
            }
            if (System.currentTimeMillis() > started + 60_000) {
                throw new AssertionError("read_committed readers still stop before " + offsets + " after 60 s: "
                        + "last stable offsets " + stable);
            }
            Thread.sleep(100);
        }
    }

    /** Whether a transaction is open on one of the topics now (a partition's last stable offset below its end). */
    public static boolean hasOpenTransactions(String bootstrap, List<String> topics) {
        Map<TopicPartition, Long>[] ends = stableAndHighWatermarks(bootstrap, topics);
        return !ends[0].equals(ends[1]);
    }

    /**
     * The transactional ids whose transactions are still open (ongoing or being committed) and
     * belong to checkpoint {@code checkpointId} or an earlier one. Flink's Kafka sink names each
     * transaction {@code prefix-subtask-checkpoint}, the checkpoint whose completion commits it
     * (TransactionalIdFactory); an empty answer means every sink has committed up to that
     * checkpoint.
     */
    public static List<String> openTransactionsUpTo(String bootstrap, long checkpointId) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            List<String> open = new ArrayList<>();
            for (org.apache.kafka.clients.admin.TransactionListing t : admin.listTransactions().all().get()) {
                String id = t.transactionalId();
                boolean pending = switch (t.state()) {
                    case ONGOING, PREPARE_COMMIT -> true;
                    default -> false;
                };
                int dash = id.lastIndexOf('-');
                if (pending && dash > 0 && id.substring(dash + 1).chars().allMatch(Character::isDigit)
                        && Long.parseLong(id.substring(dash + 1)) <= checkpointId) {
                    open.add(id + " " + t.state());
                }
            }
            return open;
        }
    }

    /** Each partition's last stable offset (what read_committed consumers reach) and its high watermark. */
    @SuppressWarnings("unchecked")
    private static Map<TopicPartition, Long>[] stableAndHighWatermarks(String bootstrap, List<String> topics) {
        Properties committed = new Properties();
        committed.setProperty("bootstrap.servers", bootstrap);
        committed.setProperty("isolation.level", "read_committed");
        Properties uncommitted = new Properties();
        uncommitted.setProperty("bootstrap.servers", bootstrap);
        uncommitted.setProperty("isolation.level", "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> stable = new KafkaConsumer<>(committed, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(uncommitted, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                stable.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            return new Map[] {stable.endOffsets(parts), all.endOffsets(parts)};
        }
    }

    /** Every committed record of a topic, read to its current end. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}

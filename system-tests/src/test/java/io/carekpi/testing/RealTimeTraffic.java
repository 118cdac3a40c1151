package io.carekpi.testing;

import static io.carekpi.testing.ConversationScript.conversation;

import io.carekpi.io.EventAvro;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Traffic as it happens: a thread sends events stamped with the wall clock at the moment they are
 * produced, about {@code perSecond} a second, conversations interleaved (each one's events in order,
 * keyed by conversation), through a producer that buffers and retries for two minutes as
 * production producers do (a retried request may write a record twice), so a broker outage delays events without losing or reordering them.
 * {@link #sent()} is what was produced, in the order produced: the replay of it is what the live
 * job must compute however it stalls.
 */
public final class RealTimeTraffic implements AutoCloseable {
    private static final Channel[] CHANNELS = {Channel.WEB_CHAT, Channel.WHATSAPP, Channel.VOICE, Channel.EMAIL};

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int perSecond;
    private final Random random;
    private final List<InteractionEvent> sent = new ArrayList<>();
    private final List<String> sentInvalid = new ArrayList<>();
    /** Every how many events one record no decoder accepts is sent too (0: none). */
    private final int invalidEvery;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Exception failure;

    private RealTimeTraffic(String bootstrap, String topic, int perSecond, long seed, int invalidEvery) {
        this.invalidEvery = invalidEvery;
        // KafkaTopics' ordered producer (the idempotent producer's sequence numbers were rejected
        // by a broker that had just created the topic), retrying until the delivery timeout
        // instead of 20 times, so that it outlasts a broker outage.
        Properties p = KafkaTopics.inOrder(bootstrap, new Properties());
        p.setProperty("retries", String.valueOf(Integer.MAX_VALUE));
        p.setProperty("delivery.timeout.ms", "120000");
        p.setProperty("max.block.ms", "120000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.perSecond = perSecond;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "real-time traffic");
    }

    /** Starts sending to {@code topic}. */
    public static RealTimeTraffic start(String bootstrap, String topic, int perSecond, long seed) {
        return start(bootstrap, topic, perSecond, seed, 0);
    }

    /**
     * The same, with a record no decoder accepts ({@code not an event #k}) after every
     * {@code invalidEvery} events: the job must dead-letter each, as it came ({@link #sentInvalid}).
     */
    public static RealTimeTraffic start(String bootstrap, String topic, int perSecond, long seed, int invalidEvery) {
        RealTimeTraffic t = new RealTimeTraffic(bootstrap, topic, perSecond, seed, invalidEvery);
        t.thread.start();
        return t;
    }

    /** The invalid records sent (after {@link #stop}), as text, in the order sent. */
    public List<String> sentInvalid() {
        synchronized (sent) {
            return List.copyOf(sentInvalid);
        }
    }

    /** How many events have been sent so far. */
    public int count() {
        synchronized (sent) {
            return sent.size();
        }
    }

    /** Stops sending, waits until every event sent is acknowledged, and returns them in the order sent. */
    public List<InteractionEvent> stop() throws Exception {
        running.set(false);
        thread.join();
        producer.flush();
        if (failure != null) {
            throw failure;
        }
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    private void run() {
        List<List<InteractionEvent>> open = new ArrayList<>();
        int conversations = 0;
        long pauseNanos = 1_000_000_000L / perSecond;
        try {
            while (running.get()) {
                if (open.size() < 20) {
                    open.add(new ArrayList<>(script("rt-" + (++conversations))));
                }
                List<InteractionEvent> next = open.get(random.nextInt(open.size()));
                InteractionEvent e = InteractionEvent.newBuilder(next.remove(0))
                        .setOccurredAt(Instant.ofEpochMilli(System.currentTimeMillis())).build();
                if (next.isEmpty()) {
                    open.remove(next);
                }
                synchronized (sent) {
                    sent.add(e);
                    byte[] key = e.getConversationId().getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(topic, key, EventAvro.encode(e)), this::failed);
                    if (invalidEvery > 0 && sent.size() % invalidEvery == 0) {
                        String invalid = "not an event #" + (sentInvalid.size() + 1);
                        sentInvalid.add(invalid);
                        producer.send(new ProducerRecord<>(topic, key, invalid.getBytes(StandardCharsets.UTF_8)),
                                this::failed);
                    }
                }
                Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    private void failed(org.apache.kafka.clients.producer.RecordMetadata m, Exception ex) {
        if (ex != null) {
            failure = ex;
        }
    }

    /** One conversation's events (their times are replaced by the wall clock when sent). */
    private List<InteractionEvent> script(String id) {
        Channel channel = CHANNELS[random.nextInt(CHANNELS.length)];
        ConversationScript c = conversation(id, channel).customer("cust-" + id).queue("q" + random.nextInt(3))
                .at(0).opened().at(1).customerMessage().at(2).assigned("agent-" + random.nextInt(5))
                .at(3).agentMessage(null).at(4).customerMessage().at(5).agentMessage(null).at(6).resolved(null);
        if (random.nextBoolean()) {
            c.at(7).closed();
        }
        if (random.nextInt(3) == 0) {
            c.at(8).survey(SurveyKind.CSAT, 1 + random.nextInt(5), 5, null);
        }
        return c.events();
    }

    @Override
    public void close() {
        running.set(false);
        producer.close();
    }
}

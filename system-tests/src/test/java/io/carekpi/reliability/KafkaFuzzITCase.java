package io.carekpi.reliability;

import static io.carekpi.testing.FuzzMutations.REJECTING;
import static io.carekpi.testing.FuzzMutations.UNKNOWN_TYPE;
import static io.carekpi.testing.FuzzMutations.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.kafka.DeadLetterSerializer;
import io.carekpi.connectors.kafka.KafkaSettings;
import io.carekpi.flink.Accumulators;
import io.carekpi.io.AvroJson;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventJson;
import io.carekpi.jobs.LiveJob;
import io.carekpi.schema.Article;
import io.carekpi.schema.Channel;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.FuzzMutations;
import io.carekpi.testing.FuzzMutations.Expect;
import io.carekpi.testing.FuzzMutations.Mutation;
import io.carekpi.testing.KafkaTopics;
import io.carekpi.testing.KpiComparison;
import io.carekpi.testing.LivePipelineRun;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.PipelineFixture;
import io.carekpi.tools.broker.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz suite over the live job's Kafka source on the real broker (issue 14). Each try
 * draws valid conversations ({@link FuzzMutations#conversations}), puts their events in time order
 * (so none is late), rewrites most of them with mutations of known effect and produces every
 * record raw, keyed by conversation, to a fresh events topic; the live job ({@link LiveJob},
 * bounded: to the offsets latest at start) reads them on a MiniCluster. Kafka carries Avro: a
 * record is single-object encoded, or the bare record (a neutral rewrite), or bytes the oracle
 * knows to be rejected (JSON text, cut, trailing bytes, an unknown fingerprint, empty, a
 * tombstone, a string over the decoder's allocation limit), or an event-level mutation of
 * {@link FuzzMutations} sent as Avro (invalid values, a newer producer's type); some accepted
 * records are sent again later (duplicates). The oracle never calls the decoder. Properties, per
 * try:
 *
 * <ul>
 *   <li>accounting: the dead letters of kind {@code rejected} on the DLQ topic name exactly the
 *       offsets of the records the oracle rejects, each once, with the record's bytes as value;
 *       the job's accumulators count the oracle's duplicates and unknown types; nothing is late;
 *       accepted + duplicates + unknown types + late + dead letters = records produced;
 *   <li>isolation: the latest KPI revisions, SLA events and conversation summaries the job wrote
 *       equal the replay of the unmutated events minus those the oracle rejects or ignores
 *       (neutral rewrites and duplicates change nothing).
 * </ul>
 *
 * {@link #neutralRewritesOfEveryRecordChangeNothing} sends every event as a bare record instead.
 * The seed of a failing try is in the failure message; rerun one with {@code -Dcarekpi.fuzz.seed=N
 * -Dcarekpi.fuzz.tries=1}; {@code -Dcarekpi.fuzz.tries=20} runs longer.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KafkaFuzzITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final int TRIES = Integer.getInteger("carekpi.fuzz.tries", 2);
    private static final long SEED = Long.getLong("carekpi.fuzz.seed", 20261130L);
    private static final int CONVERSATIONS = 250;
    /** The largest record a try produces (a string over the decoder's allocation limit), with room. */
    private static final int LARGEST_RECORD = EventAvro.MAX_DECODED_LENGTH + 64 * 1024;

    private static LocalKafkaBroker broker;
    private static EngineConfig config;
    private static int runs;

    @TempDir static Path dir;

    /** One produced record: key, value (null: a tombstone), expected class, the event it came from. */
    record Sent(byte[] key, byte[] value, Expect expect, int base, String mutation) {}

    /** A mutation of an event's Avro record: its single-object bytes and the event, to the bytes sent. */
    record AvroMutation(String name, Expect expect, BiFunction<byte[], Random, byte[]> apply) {}

    private static byte[] bare(byte[] singleObject) {
        return Arrays.copyOfRange(singleObject, 10, singleObject.length);
    }

    private static final AvroMutation BARE = new AvroMutation("bare record, no single-object header",
            Expect.ACCEPTED, (so, r) -> bare(so));

    /** Byte-level mutations of an Avro record that no decoder may accept. */
    private static final List<AvroMutation> BROKEN = List.of(
            new AvroMutation("cut short", Expect.REJECTED, (so, r) -> {
                byte[] b = r.nextBoolean() ? so : bare(so);
                return Arrays.copyOf(b, r.nextInt(b.length));
            }),
            new AvroMutation("trailing bytes after a single-object record", Expect.REJECTED, (so, r) -> trailing(so, r)),
            new AvroMutation("trailing bytes after a bare record", Expect.REJECTED, (so, r) -> trailing(bare(so), r)),
            new AvroMutation("unknown schema fingerprint", Expect.REJECTED, (so, r) -> {
                byte[] b = so.clone();
                b[2 + r.nextInt(8)] ^= (byte) (1 + r.nextInt(255));
                return b;
            }),
            new AvroMutation("single-object header version 2", Expect.REJECTED, (so, r) -> {
                byte[] b = so.clone();
                b[1] = 0x02;
                return b;
            }),
            new AvroMutation("empty value", Expect.REJECTED, (so, r) -> new byte[0]),
            new AvroMutation("tombstone (null value)", Expect.REJECTED, (so, r) -> null));

    private static byte[] trailing(byte[] b, Random r) {
        byte[] out = Arrays.copyOf(b, b.length + 1 + r.nextInt(4));
        for (int i = b.length; i < out.length; i++) {
            out[i] = (byte) r.nextInt(256);
        }
        return out;
    }

    /** The event-level mutations of {@link FuzzMutations}: invalid values any wire format carries. */
    private static final List<Mutation> INVALID_EVENTS = REJECTING.stream().filter(Mutation::eventLevel).toList();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"));
        config = LivePipelineRun.testConfig();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyProducedRecordEndsAsTheOracleSaysAndChangesNothingElse() throws Exception {
        int mutated = 0;
        int produced = 0;
        for (int t = 0; t < TRIES; t++) {
            int[] counts = runTry(SEED + t);
            mutated += counts[0];
            produced += counts[1];
        }
        System.out.println("KafkaFuzzITCase: " + TRIES + " tries, " + produced + " records produced, " + mutated
                + " mutated");
    }

    @Test
    void neutralRewritesOfEveryRecordChangeNothing() throws Exception {
        Random r = new Random(SEED - 1);
        List<InteractionEvent> base = inTimeOrder(FuzzMutations.conversations(r, CONVERSATIONS / 2));
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            InteractionEvent e = base.get(i);
            sent.add(new Sent(key(e), BARE.apply().apply(EventAvro.encode(e), r), Expect.ACCEPTED, i, BARE.name()));
        }
        check(SEED - 1, base, sent);
    }

    /** One try: {mutated records, records produced}. */
    private int[] runTry(long seed) throws Exception {
        Random r = new Random(seed);
        List<InteractionEvent> base = inTimeOrder(FuzzMutations.conversations(r, CONVERSATIONS));
        List<Sent> sent = new ArrayList<>();
        boolean oversizeUsed = false;
        int mutated = 0;
        for (int i = 0; i < base.size(); i++) {
            InteractionEvent e = base.get(i);
            byte[] so = EventAvro.encode(e);
            int dice = r.nextInt(100);
            Sent s;
            if (dice < 25) {
                s = new Sent(key(e), so, Expect.ACCEPTED, i, "none");
            } else if (dice < 45) {
                s = new Sent(key(e), BARE.apply().apply(so, r), Expect.ACCEPTED, i, BARE.name());
            } else if (dice < 50) {
                s = asAvro(e, UNKNOWN_TYPE, i, r);
            } else if (dice == 50 && !oversizeUsed) {
                oversizeUsed = true;
                InteractionEvent big = InteractionEvent.newBuilder(e)
                        .setQueue("q".repeat(EventAvro.MAX_DECODED_LENGTH + 1 + r.nextInt(4096))).build();
                s = new Sent(key(e), EventAvro.encode(big), Expect.REJECTED, i, "a string over the allocation limit");
            } else if (dice < 70) {
                s = asAvro(e, INVALID_EVENTS.get(r.nextInt(INVALID_EVENTS.size())), i, r);
            } else if (dice < 75) {
                s = new Sent(key(e), utf8(EventJson.encode(e)), Expect.REJECTED, i, "JSON text instead of Avro");
            } else {
                AvroMutation m = BROKEN.get(r.nextInt(BROKEN.size()));
                s = new Sent(key(e), m.apply().apply(so, r), m.expect(), i, m.name());
            }
            sent.add(s);
        }
        // repeats of accepted records later on their conversation's partition, as sent or rewritten
        int copies = base.size() / 10;
        for (int k = 0; k < copies; k++) {
            int from = r.nextInt(sent.size());
            Sent original = sent.get(from);
            if (original.expect() != Expect.ACCEPTED) {
                continue;
            }
            byte[] so = EventAvro.encode(base.get(original.base()));
            byte[] copy = r.nextBoolean() ? so : bare(so);
            sent.add(from + 1 + r.nextInt(sent.size() - from), new Sent(original.key(), copy, Expect.DUPLICATE,
                    original.base(), "repeated"));
        }
        for (Sent s : sent) {
            if (!s.mutation().equals("none")) {
                mutated++;
            }
        }
        check(seed, base, sent);
        return new int[] {mutated, sent.size()};
    }

    /** An event-level mutation of the event's JSON, sent as Avro (single-object or bare). */
    private static Sent asAvro(InteractionEvent e, Mutation m, int base, Random r) {
        ObjectNode json = FuzzMutations.parse(new String(m.apply().apply(EventJson.encode(e), r), StandardCharsets.UTF_8));
        byte[] so = EventAvro.encode(eventOf(json));
        return new Sent(key(e), r.nextBoolean() ? so : bare(so), m.expect(), base, m.name() + " (Avro)");
    }

    /**
     * The event a mutated JSON line spells, field by field and without any check (not the
     * decoder: an empty id stays empty, an unknown type is {@code UNKNOWN} as Avro's enum default).
     */
    private static InteractionEvent eventOf(ObjectNode o) {
        InteractionEvent.Builder b = InteractionEvent.newBuilder()
                .setEventId(o.get("eventId").asText())
                .setOccurredAt(Instant.parse(o.get("occurredAt").asText()))
                .setConversationId(o.get("conversationId").asText())
                .setCustomerId(text(o, "customerId"))
                .setChannel(Channel.valueOf(o.get("channel").asText()))
                .setType(Arrays.stream(EventType.values()).filter(t -> t.name().equals(o.get("type").asText()))
                        .findFirst().orElse(EventType.UNKNOWN))
                .setAgentId(text(o, "agentId"))
                .setQueue(text(o, "queue"))
                .setLanguage(text(o, "language"));
        JsonNode survey = o.get("survey");
        if (survey != null && !survey.isNull()) {
            JsonNode scale = survey.get("scaleMax");
            b.setSurvey(new Survey(SurveyKind.valueOf(survey.get("kind").asText()), survey.get("score").asInt(),
                    scale == null || scale.isNull() ? null : scale.asInt()));
        }
        JsonNode article = o.get("article");
        if (article != null && !article.isNull()) {
            b.setArticle(new Article(article.get("articleId").asText(), article.get("dwellMs").asLong()));
        }
        return b.build();
    }

    private static String text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Produces the records, runs the live job over them and checks accounting and isolation. */
    private static void check(long seed, List<InteractionEvent> base, List<Sent> sent) throws Exception {
        String note = "seed " + seed + " (rerun: -Dcarekpi.fuzz.seed=" + seed + " -Dcarekpi.fuzz.tries=1)";
        int n = ++runs;
        KafkaSettings d = KafkaSettings.defaults(broker.bootstrapServers());
        KafkaSettings s = new KafkaSettings(d.bootstrapServers(), d.clientProperties(), "fuzz" + n + ".events",
                "fuzz" + n + ".kpi", "fuzz" + n + ".sla", "fuzz" + n + ".conversations", "fuzz" + n + ".dlq",
                "fuzz" + n + ".queue", "carekpi-fuzz" + n, "carekpi-fuzz" + n, d.deliveryGuarantee());
        broker.createCareTopics(s);
        KafkaTopics.allowRecordsOf(broker.bootstrapServers(), s.eventsTopic(), LARGEST_RECORD);
        Properties large = new Properties();
        large.setProperty("max.request.size", Integer.toString(LARGEST_RECORD));
        List<RecordMetadata> landed = KafkaTopics.produceInOrder(broker.bootstrapServers(), s.eventsTopic(),
                sent.stream().map(Sent::key).toList(), sent.stream().map(Sent::value).toList(), large);
        Map<String, Integer> byOrigin = new HashMap<>();
        for (int i = 0; i < landed.size(); i++) {
            RecordMetadata m = landed.get(i);
            byOrigin.put(m.topic() + "-" + m.partition() + "@" + m.offset(), i);
        }
        assertThat(byOrigin).as(note + ": one offset per record produced").hasSize(sent.size());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        LiveJob.build(env, config, s, true);
        JobExecutionResult result = env.execute("kafka fuzz " + seed);
        long waited = KafkaTopics.awaitCommitted(broker.bootstrapServers(),
                List.of(s.kpiTopic(), s.slaTopic(), s.conversationsTopic(), s.dlqTopic()));
        if (waited > 0) {
            System.out.println("KafkaFuzzITCase: " + waited + " ms until the job's last transactions were readable");
        }

        // accounting, record by record: the dead letters name exactly the records the oracle rejects
        long[] want = new long[Expect.values().length];
        TreeMap<Integer, String> wantRejected = new TreeMap<>();
        boolean[] removed = new boolean[base.size()];
        for (int i = 0; i < sent.size(); i++) {
            Sent x = sent.get(i);
            want[x.expect().ordinal()]++;
            if (x.expect() == Expect.REJECTED) {
                wantRejected.put(i, x.mutation());
            }
            if (x.expect() == Expect.REJECTED || x.expect() == Expect.UNKNOWN_TYPE) {
                removed[x.base()] = true;
            }
        }
        TreeMap<Integer, String> gotRejected = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long late = 0;
        for (ConsumerRecord<byte[], byte[]> dl : KafkaTopics.readAll(broker.bootstrapServers(), s.dlqTopic())) {
            String kind = header(dl, DeadLetterSerializer.KIND);
            if ("late".equals(kind)) {
                late++;
                continue;
            }
            String origin = header(dl, DeadLetterSerializer.ORIGIN);
            Integer i = origin == null ? null : byOrigin.get(origin);
            if (!"rejected".equals(kind) || i == null) {
                problems.add("a dead letter of kind " + kind + " from " + origin + " that was not produced");
                continue;
            }
            Sent x = sent.get(i);
            if (gotRejected.put(i, x.mutation()) != null) {
                problems.add("record " + i + " (" + x.mutation() + ") dead-lettered twice");
            }
            byte[] original = x.value() == null ? new byte[0] : x.value();
            String truncated = header(dl, DeadLetterSerializer.TRUNCATED);
            byte[] kept = truncated == null ? original : Arrays.copyOf(original, DeadLetterSerializer.MAX_VALUE_BYTES);
            if (!Arrays.equals(dl.value(), kept)
                    || (truncated != null && !truncated.equals(Integer.toString(original.length)))) {
                problems.add("record " + i + " (" + x.mutation() + ") not dead-lettered as it came");
            }
            String reason = header(dl, DeadLetterSerializer.REASON);
            if (reason == null || reason.isBlank()) {
                problems.add("record " + i + " (" + x.mutation() + ") dead-lettered without a reason");
            }
        }
        for (Map.Entry<Integer, String> w : wantRejected.entrySet()) {
            if (!gotRejected.containsKey(w.getKey())) {
                problems.add("record " + w.getKey() + " (" + w.getValue() + ") not dead-lettered");
            }
        }
        for (Map.Entry<Integer, String> g : gotRejected.entrySet()) {
            if (!wantRejected.containsKey(g.getKey())) {
                problems.add("record " + g.getKey() + " (" + g.getValue() + ") dead-lettered, the oracle accepts it");
            }
        }
        assertThat(problems).as(note + ": dead letters against the oracle").isEmpty();

        assertThat((Object) result.getAccumulatorResult(Accumulators.UNIQUE)).as(note + ": the job counts its events").isNotNull();
        long unique = counter(result, Accumulators.UNIQUE);
        long duplicates = counter(result, Accumulators.DUPLICATES);
        long unknownTypes = counter(result, Accumulators.UNKNOWN_TYPES);
        long accepted = unique - late;
        assertThat(late).as(note + ": late (the records are in time order)").isZero();
        assertThat(duplicates).as(note + ": duplicates").isEqualTo(want[Expect.DUPLICATE.ordinal()]);
        assertThat(unknownTypes).as(note + ": unknown types").isEqualTo(want[Expect.UNKNOWN_TYPE.ordinal()]);
        assertThat(accepted).as(note + ": accepted").isEqualTo(want[Expect.ACCEPTED.ordinal()]);
        assertThat(accepted + duplicates + unknownTypes + late + gotRejected.size())
                .as(note + ": every record produced in exactly one class").isEqualTo(sent.size());

        // isolation: the effect is that of the unmutated events minus the rejected and ignored ones
        List<InteractionEvent> kept = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (!removed[i]) {
                kept.add(base.get(i));
            }
        }
        Path replayDir = Files.createDirectories(dir.resolve("reference-" + n));
        PipelineFixture.replay(kept, config, replayDir);
        Map<String, JsonNode> expectedKpis = KpiComparison.replayKpis(replayDir.resolve("replay"));
        Map<String, JsonNode> actualKpis = KpiComparison.latestKafkaKpis(
                KafkaTopics.readAll(broker.bootstrapServers(), s.kpiTopic()));
        List<String> summaries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> c : KafkaTopics.readAll(broker.bootstrapServers(), s.conversationsTopic())) {
            summaries.add(AvroJson.encode(ConversationSummary.getDecoder().decode(c.value())));
        }
        summaries.sort(null);
        List<String> expectedSummaries = new ArrayList<>(Files.readAllLines(replayDir.resolve("replay/conversations.jsonl")));
        expectedSummaries.sort(null);
        // the summaries first: a difference there names the conversation behind a KPI difference
        List<String> summaryDifferences = new ArrayList<>();
        expectedSummaries.stream().filter(x -> !summaries.contains(x)).forEach(x -> summaryDifferences.add("missing " + x));
        summaries.stream().filter(x -> !expectedSummaries.contains(x)).forEach(x -> summaryDifferences.add("unexpected " + x));
        assertThat(summaryDifferences).as(note + ": conversation summaries against the reference").isEmpty();
        assertThat(summaries).as(note + ": conversation summaries against the reference").isNotEmpty()
                .isEqualTo(expectedSummaries);
        assertThat(actualKpis).as(note).isNotEmpty();
        assertThat(KpiComparison.differences(expectedKpis, actualKpis)).as(note + ": KPIs against the reference")
                .isEmpty();
        assertThat(KpiComparison.kafkaSla(KafkaTopics.readAll(broker.bootstrapServers(), s.slaTopic())))
                .as(note + ": SLA events against the reference")
                .isEqualTo(new TreeSet<>(Files.readAllLines(replayDir.resolve("replay/sla.jsonl"))));
    }

    /** Events in time order (stable: a conversation's events keep their order). */
    private static List<InteractionEvent> inTimeOrder(List<InteractionEvent> events) {
        List<InteractionEvent> out = new ArrayList<>(events);
        out.sort(Comparator.comparing(InteractionEvent::getOccurredAt));
        return out;
    }

    private static byte[] key(InteractionEvent e) {
        return utf8(e.getConversationId());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** An accumulator of the job (0 if it never counted: it is registered at its first count). */
    private static long counter(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        return v == null ? 0 : ((Number) v).longValue();
    }
}

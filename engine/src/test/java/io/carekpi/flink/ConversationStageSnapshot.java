package io.carekpi.flink;

import io.carekpi.events.DecodedEvent;
import io.carekpi.testing.Repository;
import static io.carekpi.testing.ConversationScript.conversation;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * The conversation stage's state midway through a few conversations, kept as a file: its keyed
 * state (conversation state, the ordering buffer of {@link DecodedEvent}s holding Avro
 * {@link InteractionEvent}s, surveys included) and timers, with the serializer snapshots Flink
 * writes into every checkpoint and savepoint, among them the Avro writer schema of the events.
 *
 * <p>{@link #main} writes it with the classes of the current build. A file written by a released
 * version is committed under {@code src/test/resources/state/} and must keep restoring into every
 * later build ({@code ConversationStateUpgradeTest}): regenerate only for a new released version,
 * never to make a failing restore pass.
 */
final class ConversationStageSnapshot {
    /** Written by the build whose InteractionEvent schema is {@code schemas/history/InteractionEvent-v1.avsc}. */
    static final Path V1 = Path.of("src/test/resources/state/conversation-stage-v1.snapshot");

    /** The watermark when the snapshot is taken. */
    static final long MIDWAY = ConversationScript.BASE + 200_000;

    private ConversationStageSnapshot() {}

    static EngineConfig config() throws Exception {
        return EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new MigratingKeyedProcessOperator<>(new ConversationFunction(config())),
                DecodedEvent::conversationId, StringKeySerializer.TYPE, 128, 1, 0);
    }

    /** Every event, in arrival order (event time, a few seconds of disorder aside). */
    static List<InteractionEvent> events() {
        List<InteractionEvent> all = new ArrayList<>();
        all.addAll(conversation("chat-1", Channel.WEB_CHAT).customer("u-1").queue("billing")
                .at(0).opened().at(30).agentMessage("alice").at(150).customerMessage().at(400).agentMessage("alice")
                .at(500).resolved("alice").at(560).survey(SurveyKind.CSAT, 4, null, null).events());
        all.addAll(conversation("wa-1", Channel.WHATSAPP).customer("u-2").queue("vip")
                .at(100).opened().at(180).customerMessage().at(190).botMessage().at(240).assigned("bob")
                .at(250).agentMessage("bob").at(900).resolved("bob").at(950).closed().events());
        all.addAll(conversation("mail-1", Channel.EMAIL).customer("u-3")
                .at(210).opened().at(215).survey(SurveyKind.NPS, 9, 10, "carol").at(3_600).agentMessage("carol")
                .at(7_200).closed().events());
        all.addAll(conversation("kb-1", Channel.APP).at(205).articleViewed("kb-42", 30_000).events());
        all.sort(Comparator.comparing(InteractionEvent::getOccurredAt));
        return all;
    }

    /** The events that arrived before the snapshot: up to 30 s past the watermark. */
    static List<InteractionEvent> before() {
        return events().stream().filter(e -> e.getOccurredAt().toEpochMilli() <= MIDWAY + 30_000).toList();
    }

    static List<InteractionEvent> after() {
        return events().stream().filter(e -> e.getOccurredAt().toEpochMilli() > MIDWAY + 30_000).toList();
    }

    /** Feeds events with input positions from {@code firstSeq}. */
    static void feed(KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> h,
                     List<InteractionEvent> events, long firstSeq) throws Exception {
        long seq = firstSeq;
        for (InteractionEvent e : events) {
            h.processElement(new StreamRecord<>(new DecodedEvent(e, seq++), e.getOccurredAt().toEpochMilli()));
        }
    }

    /** Writes the snapshot (to {@code args[0]}, else {@link #V1}) with the classes of this build. */
    public static void main(String[] args) throws Exception {
        Path out = args.length > 0 ? Path.of(args[0]) : V1;
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (var h = harness()) {
            h.open();
            feed(h, before(), 1);
            h.processWatermark(MIDWAY);
            OperatorSubtaskState state = h.snapshot(1L, 1L);
            OperatorSnapshotUtil.writeStateHandle(state, out.toString());
        }
        System.out.println("wrote " + out);
    }
}

package io.carekpi.flink;

import io.carekpi.events.DecodedEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.io.EventAvro;
import io.carekpi.kpi.FactKind;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * State written by a released version restores into this build. The committed snapshot of the
 * conversation stage ({@link ConversationStageSnapshot#V1}) was written by the build of
 * {@code InteractionEvent} v1; its ordering buffer holds Avro events serialized by Flink's
 * AvroSerializer, whose snapshot records the writer schema. Restored here, Flink resolves that
 * schema against the compiled one; the v1 layouts of the buffer and of the conversation state
 * (one class of many fields, {@code kpi.ConversationState}) are migrated at open into the current
 * ones, leaving nothing under the v1 names; and the stage goes on exactly as a run that was never
 * stopped.
 */
class ConversationStateUpgradeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<OutputTag<?>> SIDE_OUTPUTS = List.of(ConversationFunction.SLA_EVENTS,
            ConversationFunction.SUMMARIES, ConversationFunction.CUSTOMER_SIGNALS, ConversationFunction.WAITING,
            ConversationFunction.LATE);

    /** The Avro schemas recorded in a snapshot file, by fingerprint: the writer schemas of its state. */
    private static Map<Long, Schema> recordedSchemas(byte[] snapshot) throws Exception {
        Map<Long, Schema> out = new TreeMap<>();
        byte[] marker = "{\"type\":\"record\",\"name\":\"InteractionEvent\"".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + marker.length <= snapshot.length; i++) {
            if (java.util.Arrays.equals(snapshot, i, i + marker.length, marker, 0, marker.length)) {
                try (JsonParser p = JSON.getFactory().createParser(snapshot, i, snapshot.length - i)) {
                    Schema s = new Schema.Parser().parse(JSON.readTree(p).toString());
                    out.put(SchemaNormalization.parsingFingerprint64(s), s);
                }
            }
        }
        return out;
    }

    @Test
    void theCommittedSnapshotRecordsTheFirstReleasedSchemaOfTheEvents() throws Exception {
        Map<Long, Schema> recorded = recordedSchemas(Files.readAllBytes(ConversationStageSnapshot.V1));
        Schema v1 = EventAvro.releasedSchemas().get(0);
        assertThat(recorded.keySet()).as("writer schemas of InteractionEvent recorded in the snapshot")
                .containsExactly(SchemaNormalization.parsingFingerprint64(v1));
        assertThat(recorded.values().iterator().next().getField("language")).as("a v1 schema").isNull();
        assertThat(InteractionEvent.getClassSchema().getField("language"))
                .as("restoring it into this build is a schema migration").isNotNull();
    }

    @Test
    void theReleasedStateRestoresAndContinuesAsARunThatWasNeverStopped() throws Exception {
        // The run that was never stopped, with the classes of this build.
        List<KpiFact> expectedMain;
        Map<String, List<Object>> expectedSide = new TreeMap<>();
        try (var h = ConversationStageSnapshot.harness()) {
            h.open();
            ConversationStageSnapshot.feed(h, ConversationStageSnapshot.before(), 1);
            h.processWatermark(ConversationStageSnapshot.MIDWAY);
            int main = h.extractOutputValues().size();
            Map<String, Integer> side = new TreeMap<>();
            SIDE_OUTPUTS.forEach(t -> side.put(t.getId(), values(h, t).size()));
            ConversationStageSnapshot.feed(h, ConversationStageSnapshot.after(),
                    1 + ConversationStageSnapshot.before().size());
            h.processWatermark(Long.MAX_VALUE);
            expectedMain = new ArrayList<>(h.extractOutputValues().subList(main, h.extractOutputValues().size()));
            for (OutputTag<?> t : SIDE_OUTPUTS) {
                List<Object> all = values(h, t);
                expectedSide.put(t.getId(), new ArrayList<>(all.subList(side.get(t.getId()), all.size())));
            }
        }
        assertThat(expectedMain).as("the stage still has work after the snapshot")
                .anySatisfy(f -> assertThat(f.kind).isEqualTo(FactKind.CSAT));
        assertThat(expectedSide.get(ConversationFunction.SLA_EVENTS.getId())).isNotEmpty();
        assertThat(expectedSide.get(ConversationFunction.SUMMARIES.getId())).hasSizeGreaterThanOrEqualTo(3);

        // The state of the released version, restored into this build.
        try (var h = ConversationStageSnapshot.harness()) {
            h.setup();
            h.initializeState(OperatorSnapshotUtil.readStateHandle(ConversationStageSnapshot.V1.toString()));
            assertThat(KeyedStates.countKeysUnder(h, V1_CONVERSATION))
                    .as("v1 conversation state restored").isPositive();
            assertThat(KeyedStates.countKeysUnder(h, V1_BUFFER)).as("v1 ordering buffer restored").isPositive();
            h.open();
            assertThat(KeyedStates.countKeysUnder(h, V1_CONVERSATION))
                    .as("v1 conversation state left after the migration").isZero();
            assertThat(KeyedStates.countKeysUnder(h, V1_BUFFER))
                    .as("v1 ordering buffer left after the migration").isZero();
            assertThat(KeyedStates.countKeysUnder(h, "conversation-v2")).as("keys migrated to the current state").isPositive();
            ConversationStageSnapshot.feed(h, ConversationStageSnapshot.after(),
                    1 + ConversationStageSnapshot.before().size());
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(expectedMain);
            for (OutputTag<?> t : SIDE_OUTPUTS) {
                assertThat(values(h, t)).as(t.getId()).usingRecursiveFieldByFieldElementComparator()
                        .containsExactlyElementsOf(expectedSide.get(t.getId()));
            }
        }
    }

    /** The v1 state names in the committed snapshot (see {@code ConversationFunction#migrate}). */
    private static final String V1_CONVERSATION = "conversation";
    private static final String V1_BUFFER = "buffer";

    private static List<Object> values(KeyedOneInputStreamOperatorTestHarness<String, DecodedEvent, KpiFact> h,
                                       OutputTag<?> tag) {
        List<Object> out = new ArrayList<>();
        var records = h.getSideOutput(tag);
        if (records != null) {
            for (Object r : records) {
                out.add(((StreamRecord<?>) r).getValue());
            }
        }
        return out;
    }
}

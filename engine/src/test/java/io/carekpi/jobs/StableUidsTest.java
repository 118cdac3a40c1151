package io.carekpi.jobs;

import io.carekpi.testing.Repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.kafka.KafkaSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of the live job (with its InfluxDB
 * outputs) must carry an explicit, unique uid, or a change of the job's shape (a new operator, a
 * different chaining) makes the next version unable to restore its state.
 */
class StableUidsTest {
    /**
     * The uids of docs/operations.md ("The job graph"): renaming one orphans its state in savepoints.
     * Two renames were safe: the pre-aggregation was {@code dimensions} until 2026-11 and is
     * {@code pre-aggregate} now, and the stage after the sources was {@code decode} and is {@code triage}.
     * Neither keeps state (the pre-aggregation flushes before every checkpoint barrier), so a
     * savepoint holds nothing under their uids: the kept v1 savepoint lists them with no
     * subtask state, which a restore skips without {@code allowNonRestoredState}
     * ({@code CancelRestoreITCase} restores it). An operator with state can't be renamed this way.
     */
    private static final List<String> DOCUMENTED = List.of("source-kafka-events", "triage", "dedup", "conversations",
            "customers", "pre-aggregate", "windows", "waits", "queue-gauges", "sink-kafka-kpi", "sink-kafka-sla",
            "sink-kafka-conversations", "sink-kafka-queue", "sink-kafka-dlq", "sink-kafka-late", "sink-influx-kpi",
            "sink-influx-sla", "sink-influx-queue");

    private static StreamGraph liveJobGraph() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        EngineConfig config = EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
        var outputs = LiveJob.build(env, config, KafkaSettings.defaults("127.0.0.1:9"), false);
        InfluxOutputs.attach(outputs, new InfluxOutputs.Settings(InfluxConnection.of("http://127.0.0.1:9", "carekpi")));
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorOfTheLiveJobHasAnExplicitUniqueUid() throws Exception {
        StreamGraph graph = liveJobGraph();
        List<String> withoutUid = new ArrayList<>();
        Map<String, List<String>> byUid = new TreeMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid == null || uid.isBlank()) {
                withoutUid.add(node.getOperatorName() + " (node " + node.getId() + ")");
            } else {
                byUid.computeIfAbsent(uid, u -> new ArrayList<>()).add(node.getOperatorName());
            }
        }
        assertThat(withoutUid).as("operators without an explicit uid").isEmpty();
        assertThat(byUid).as("uids given to more than one operator")
                .allSatisfy((uid, names) -> assertThat(names).as(uid).hasSize(1));
        assertThat(byUid.keySet()).as("the documented uids are all there, unchanged").containsAll(DOCUMENTED);
    }

    @Test
    void theJobGraphsOperatorIdsComeFromTheUids() throws Exception {
        StreamGraph graph = liveJobGraph();
        int operators = graph.getStreamNodes().size();
        JobGraph jobGraph = graph.getJobGraph();
        Map<String, String> seen = new HashMap<>();
        int count = 0;
        for (JobVertex v : jobGraph.getVertices()) {
            for (OperatorIDPair ids : v.getOperatorIDs()) {
                count++;
                assertThat(ids.getUserDefinedOperatorID()).as("no operator id set by hand in %s", v.getName())
                        .isEmpty();
                String id = ids.getGeneratedOperatorID().toHexString();
                assertThat(seen.put(id, v.getName())).as("operator id %s used twice", id).isNull();
            }
        }
        assertThat(count).as("every operator is in the job graph").isEqualTo(operators);
        // Same uids, same operator ids: a second build of the job (a new version) maps onto the first.
        JobGraph again = liveJobGraph().getJobGraph();
        List<String> ids = new ArrayList<>();
        again.getVertices().forEach(v -> v.getOperatorIDs().forEach(p -> ids.add(p.getGeneratedOperatorID().toHexString())));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(seen.keySet());
    }
}

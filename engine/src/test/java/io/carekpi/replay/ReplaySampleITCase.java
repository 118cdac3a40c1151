package io.carekpi.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.io.EventJson;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The committed sample, replayed with the shipped live configuration (SLA policies included). */
class ReplaySampleITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final Path SAMPLE = Repository.path("jobs/replay/sample-events.jsonl");
    private static final Path CONFIG = Repository.path("jobs/kpi-engine/config.yaml");

    @TempDir Path dir;

    private ReplayResult replay(Path input, Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return Replay.run(env, input, out, EngineConfig.load(CONFIG));
    }

    @Test
    void replayingTheSameFileTwiceGivesByteIdenticalOutputsIncludingSlaEvents() throws Exception {
        ReplayResult first = replay(SAMPLE, dir.resolve("a"));
        replay(SAMPLE, dir.resolve("b"));
        for (String f : List.of("kpis.jsonl", "conversations.jsonl", "sla.jsonl", "rejected.jsonl", "late.jsonl")) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
        assertThat(first.rejected()).isEqualTo(3);
        assertThat(first.duplicates()).isEqualTo(1);
        long lines = Files.readAllLines(SAMPLE).stream().filter(l -> !l.isBlank()).count();
        assertThat(first.records()).as("every line counted once, in one class").isEqualTo(lines);
        assertThat(first.accepted()).isEqualTo(lines - 3 - 1);
        List<String> sla = Files.readAllLines(dir.resolve("a/sla.jsonl"));
        assertThat(sla).extracting(l -> l.replaceAll(".*\"slaEventId\":\"([^\"]+)\".*", "$1")).containsExactly(
                "call-1:FIRST_RESPONSE:1:WARNING", "call-2:FIRST_RESPONSE:1:WARNING", "call-2:FIRST_RESPONSE:1:BREACHED");
        String voiceDay = Files.readAllLines(dir.resolve("a/kpis.jsonl")).stream()
                .filter(l -> l.startsWith("{\"window\":\"1d\"") && l.contains("\"channel\":\"VOICE\",\"agent\":\"all\",\"queue\":\"all\""))
                .findFirst().orElseThrow();
        assertThat(voiceDay).contains("\"sla_first_response_met\":1", "\"sla_first_response_breached\":1",
                "\"sla_warnings\":2", "\"service_level\":0.5");
    }

    @Test
    void anAvroContainerFileGivesTheSameKpisAsItsJsonLines() throws Exception {
        Path avro = dir.resolve("sample.avro");
        Path jsonl = dir.resolve("valid.jsonl");
        StringBuilder valid = new StringBuilder();
        try (DataFileWriter<InteractionEvent> w = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            w.create(InteractionEvent.getClassSchema(), avro.toFile());
            for (String line : Files.readAllLines(SAMPLE)) {
                InteractionEvent e;
                try {
                    e = EventJson.decode(line);
                } catch (Exception invalid) {
                    continue;
                }
                if (io.carekpi.kpi.EventValidator.problem(e) == null) {
                    w.append(e);
                    valid.append(line).append('\n');
                }
            }
        }
        Files.writeString(jsonl, valid);
        replay(avro, dir.resolve("avro"));
        replay(jsonl, dir.resolve("json"));
        assertThat(Files.readAllBytes(dir.resolve("avro/kpis.jsonl")))
                .isEqualTo(Files.readAllBytes(dir.resolve("json/kpis.jsonl")));
        assertThat(Files.size(dir.resolve("avro/kpis.jsonl"))).isPositive();
    }
}

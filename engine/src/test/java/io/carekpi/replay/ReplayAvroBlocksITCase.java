package io.carekpi.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.config.EngineConfig;
import io.carekpi.testing.AvroBlockFiles;
import io.carekpi.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay summary of an Avro container file with blocks that cannot be read counts the records
 * those blocks declared, so its classes add up to the file's records (issue 14): a bad block is
 * not one record.
 */
class ReplayAvroBlocksITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final int PER_BLOCK = 10;
    private static final int BLOCKS = 5;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path dir;

    /** 50 events in 5 blocks of 10 (a sync marker after every 10). */
    private Path file(String name) throws Exception {
        return AvroBlockFiles.write(dir.resolve(name), PER_BLOCK, BLOCKS);
    }

    private ReplayResult replay(Path input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return Replay.run(env, input, dir.resolve(input.getFileName() + ".out"), EngineConfig.defaults());
    }

    private List<JsonNode> rejectedLines(Path input) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(input.getFileName() + ".out").resolve("rejected.jsonl"))) {
            out.add(MAPPER.readTree(l));
        }
        return out;
    }

    /** The offsets of the sync markers after the header, one at the end of each block. */
    private static int[] syncMarkers(byte[] bytes) {
        byte[] sync = Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length);
        int[] at = new int[BLOCKS + 1];
        int n = 0;
        for (int i = 0; i + 16 <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + 16, sync, 0, 16)) {
                at[n++] = i;
            }
        }
        assertThat(n).as("the header's marker and one after each block").isEqualTo(BLOCKS + 1);
        return Arrays.copyOfRange(at, 1, n);
    }

    @Test
    void aBlockWithABrokenSyncMarkerCountsTheRecordsOfEveryBlockSkipped() throws Exception {
        Path f = file("broken-sync.avro");
        byte[] bytes = Files.readAllBytes(f);
        bytes[syncMarkers(bytes)[2] + 5] ^= 0x5a; // the third block's marker: it and the fourth are skipped
        Files.write(f, bytes);

        ReplayResult r = replay(f);

        assertThat(r.accepted()).isEqualTo(3 * PER_BLOCK);
        assertThat(r.rejected()).as("the two skipped blocks' records").isEqualTo(2 * PER_BLOCK);
        assertThat(r.records()).as("the file's records, each in one class").isEqualTo(PER_BLOCK * BLOCKS);
        assertThat(r.toString()).contains(2 * PER_BLOCK + " rejected (" + 2 * PER_BLOCK
                + " records in 2 unreadable Avro blocks)");
        assertThat(rejectedLines(f)).singleElement().satisfies(n -> {
            assertThat(n.get("reason").asText()).contains("block at bytes");
            assertThat(n.get("records").asLong()).isEqualTo(2 * PER_BLOCK);
        });
    }

    @Test
    void aCutTailCountsTheRecordsItsBlockDeclared() throws Exception {
        Path f = file("cut.avro");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 30));

        ReplayResult r = replay(f);

        assertThat(r.accepted()).isEqualTo((BLOCKS - 1) * PER_BLOCK);
        assertThat(r.rejected()).isEqualTo(PER_BLOCK);
        assertThat(r.records()).isEqualTo(PER_BLOCK * BLOCKS);
        assertThat(r.toString()).contains(PER_BLOCK + " rejected (" + PER_BLOCK + " records in 1 unreadable Avro block)");
    }

    @Test
    void garbageInsideABlockCostsTheRecordsNotYetReadFromIt() throws Exception {
        Path f = file("garbage.avro");
        byte[] bytes = Files.readAllBytes(f);
        int[] sync = syncMarkers(bytes);
        int from = sync[1] + 16 + (sync[2] - sync[1]) / 2; // the middle of the third block's data
        for (int i = from; i < from + 40; i++) {
            bytes[i] = (byte) 0xff;
        }
        Files.write(f, bytes);

        ReplayResult r = replay(f);

        assertThat(r.records()).as("the file's records, each in one class: " + r).isEqualTo(PER_BLOCK * BLOCKS);
        assertThat(r.accepted()).isGreaterThanOrEqualTo((BLOCKS - 1) * PER_BLOCK);
    }
}

package io.carekpi.replay;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two copies of one {@code eventId} in a conversation with different content: the first copy in
 * input order (the file's line order) wins, on every run, whatever the parallelism.
 */
class ReplayInputOrderITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final int CONVERSATIONS = 200;

    @TempDir Path dir;

    @Test
    void theFirstCopyOfAnEventIdInLineOrderWinsOnEveryRun() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < CONVERSATIONS; i++) {
            ConversationScript c = conversation("c-" + i, Channel.SMS).customer("u-" + i).at(i).opened();
            InteractionEvent resolved = c.at(i + 60).resolved(null).last();
            InteractionEvent message = c.at(i + 30).customerMessage().last();
            message.setEventId(resolved.getEventId()); // the same id, other content, on a later line
            lines.append(EventJson.encode(c.events().get(0))).append('\n')
                    .append(EventJson.encode(resolved)).append('\n')
                    .append(EventJson.encode(message)).append('\n');
        }
        Path input = dir.resolve("conflicting.jsonl");
        Files.writeString(input, lines);

        byte[] first = null;
        for (int run = 0; run < 3; run++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Path out = dir.resolve("run" + run);
            ReplayResult result = Replay.run(env, input, out, EngineConfig.defaults());
            assertThat(result.duplicates()).isEqualTo(CONVERSATIONS);
            String day = Files.readAllLines(out.resolve("kpis.jsonl")).stream()
                    .filter(l -> l.startsWith("{\"window\":\"1d\"") && l.contains("\"channel\":\"all\""))
                    .findFirst().orElseThrow();
            assertThat(day).as("run " + run).contains("\"resolved\":" + CONVERSATIONS, "\"customer_messages\":0");
            byte[] kpis = Files.readAllBytes(out.resolve("kpis.jsonl"));
            if (first == null) {
                first = kpis;
            } else {
                assertThat(kpis).as("run " + run + " equals run 0").isEqualTo(first);
            }
        }
    }
}

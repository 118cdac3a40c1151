package io.carekpi.replay;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.cli.CareKpiCli;
import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --as-of}: a backfill of history up to an instant says what was known then. A
 * deadline, an FCR verdict or any other timer due after it does not fire; without it, every timer
 * fires at the end of the input.
 */
class ReplayAsOfITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final String CONFIG = Repository.path("jobs/kpi-engine/config.yaml").toString();
    /**
     * After both conversations' last event, before the unanswered call's first-response warning (24 s)
     * and breach (30 s) and its resolution clock's.
     */
    private static final String AS_OF = "2026-03-02T09:10:20Z";

    @TempDir Path dir;
    private Path input;

    @BeforeEach
    void history() throws Exception {
        List<InteractionEvent> events = new ArrayList<>();
        // Resolved on first contact at 09:05: its FCR verdict is due 72 h later.
        events.addAll(conversation("wa-1", Channel.WHATSAPP).customer("u-1").queue("support")
                .at(0).opened().at(60).agentMessage("alice").at(300).resolved("alice").events());
        // A call nobody answers: voice's 30 s first-response SLA warns at 24 s and breaches at 30 s.
        events.addAll(conversation("call-1", Channel.VOICE).customer("u-2").queue("support")
                .at(600).opened().events());
        StringBuilder lines = new StringBuilder();
        for (InteractionEvent e : events) {
            lines.append(EventJson.encode(e)).append('\n');
        }
        input = dir.resolve("history.jsonl");
        Files.writeString(input, lines);
    }

    private Path replay(String name, String... extra) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("replay", "--input", input.toString(), "--output", out.toString(),
                "--config", CONFIG));
        args.addAll(List.of(extra));
        assertThat(CareKpiCli.run(args.toArray(String[]::new))).isZero();
        return out;
    }

    private static String dayRow(Path out, String channel) throws Exception {
        return Files.readAllLines(out.resolve("kpis.jsonl")).stream()
                .filter(l -> l.startsWith("{\"window\":\"1d\"")
                        && l.contains("\"channel\":\"" + channel + "\",\"agent\":\"all\",\"queue\":\"all\""))
                .findFirst().orElseThrow();
    }

    @Test
    void withoutAnAsOfEveryTimerFiresAtTheEndOfTheInput() throws Exception {
        Path out = replay("all");
        assertThat(Files.readAllLines(out.resolve("sla.jsonl")))
                .extracting(l -> l.replaceAll(".*\"slaEventId\":\"([^\"]+)\".*", "$1"))
                .containsExactly("call-1:FIRST_RESPONSE:1:WARNING", "call-1:FIRST_RESPONSE:1:BREACHED",
                        "call-1:RESOLUTION:1:WARNING", "call-1:RESOLUTION:1:BREACHED");
        assertThat(dayRow(out, "WHATSAPP")).contains("\"fcr_candidates\":1", "\"fcr_confirmed\":1");
    }

    @Test
    void timersDueAfterTheAsOfInstantDoNotFire() throws Exception {
        Path out = replay("as-of", "--as-of", AS_OF);
        assertThat(Files.readAllLines(out.resolve("sla.jsonl"))).as("the call's clock is still running").isEmpty();
        assertThat(dayRow(out, "WHATSAPP")).as("the verdict is still pending: provisional")
                .contains("\"fcr_candidates\":1", "\"fcr_confirmed\":0", "\"fcr_lost\":0");
        assertThat(dayRow(out, "VOICE")).contains("\"opened\":1", "\"sla_first_response_breached\":0",
                "\"sla_warnings\":0");
    }

    @Test
    void theFutureTimeBoundFollowsTheAsOfInstantNeverTheDayTheReplayRuns() throws Exception {
        String base = "{\"conversationId\":\"later\",\"customerId\":\"u-9\",\"channel\":\"SMS\","
                + "\"type\":\"CONVERSATION_OPENED\",";
        Files.writeString(input, Files.readString(input)
                + base + "\"eventId\":\"far\",\"occurredAt\":\"2100-01-01T00:00:00Z\"}\n");
        Path unbounded = replay("no-as-of");
        assertThat(Files.readAllLines(unbounded.resolve("rejected.jsonl"))).as("no wall clock in a replay").isEmpty();

        Path bounded = replay("bounded", "--as-of", AS_OF);
        assertThat(Files.readAllLines(bounded.resolve("rejected.jsonl"))).singleElement().asString()
                .contains("\"line\":5", "more than 1h ahead of the as-of instant " + AS_OF);
    }
}

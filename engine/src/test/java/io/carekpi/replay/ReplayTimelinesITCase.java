package io.carekpi.replay;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.cli.CareKpiCli;
import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.MiniClusters;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real-world timelines through {@code replay}: surveys that know no channel, or no conversation. */
class ReplayTimelinesITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    @TempDir Path dir;

    private static String line(InteractionEvent e) {
        return EventJson.encode(e).replace(",\"channel\":\"UNKNOWN\"", "") + "\n"; // no channel at all
    }

    private static String dayRow(Path out, String channel) throws Exception {
        return Files.readAllLines(out.resolve("kpis.jsonl")).stream()
                .filter(l -> l.startsWith("{\"window\":\"1d\"")
                        && l.contains("\"channel\":\"" + channel + "\",\"agent\":\"all\",\"queue\":\"all\""))
                .findFirst().orElseThrow(() -> new AssertionError("no 1d row for " + channel));
    }

    @Test
    void surveysCountWithoutAChannelAndWithoutAConversationAndOpenNothing() throws Exception {
        List<InteractionEvent> events = new ArrayList<>();
        ConversationScript chat = conversation("wa-1", Channel.WHATSAPP).customer("u-1")
                .at(0).opened().at(30).agentMessage("alice").at(60).resolved("alice");
        InteractionEvent noChannel = chat.at(120).survey(SurveyKind.CSAT, 5, null, null).last();
        noChannel.setChannel(Channel.UNKNOWN);
        events.addAll(chat.events());
        // Answered for conversations this file never saw (forgotten, or solved before it starts).
        events.add(conversation("sms-old", Channel.SMS).queue("billing").at(200)
                .survey(SurveyKind.CSAT, 1, null, "bob").last());
        InteractionEvent unknownEverything = conversation("who-knows", Channel.UNKNOWN).at(300)
                .survey(SurveyKind.NPS, 10, null, null).last();
        events.add(unknownEverything);
        StringBuilder file = new StringBuilder();
        events.forEach(e -> file.append(line(e)));
        Path input = dir.resolve("surveys.jsonl");
        Files.writeString(input, file);
        Path out = dir.resolve("out");

        assertThat(CareKpiCli.run("replay", "--input", input.toString(), "--output", out.toString(),
                "--config", Repository.path("jobs/kpi-engine/config.yaml").toString())).isZero();

        assertThat(Files.readAllLines(out.resolve("rejected.jsonl"))).as("no channel is no error").isEmpty();
        assertThat(dayRow(out, "WHATSAPP")).contains("\"csat_responses\":1", "\"csat_satisfied\":1");
        assertThat(dayRow(out, "SMS")).contains("\"csat_responses\":1", "\"opened\":0");
        assertThat(dayRow(out, "UNKNOWN")).contains("\"nps_responses\":1", "\"opened\":0");
        assertThat(dayRow(out, "all")).contains("\"opened\":1");
        assertThat(Files.readAllLines(out.resolve("sla.jsonl"))).as("no clock for a survey")
                .noneMatch(l -> l.contains("sms-old") || l.contains("who-knows"));
        assertThat(Files.readAllLines(out.resolve("conversations.jsonl")))
                .noneMatch(l -> l.contains("sms-old") || l.contains("who-knows"));
    }

    @Test
    void aTicketReopenedAWeekLaterAndARedeliveryDaysLaterContinueTheSameConversation() throws Exception {
        long day = 86_400;
        ConversationScript ticket = conversation("mail-7", Channel.EMAIL).customer("u-7").queue("billing")
                .at(0).opened().at(600).agentMessage("carol").at(3_600).resolved("carol");
        InteractionEvent resolvedFirst = ticket.last();
        ticket.at(7 * day).reopened().at(7 * day + 60).customerMessage().at(7 * day + 660).agentMessage("carol")
                .at(7 * day + 900).resolved("carol");
        StringBuilder file = new StringBuilder();
        ticket.events().forEach(e -> file.append(line(e)));
        file.append(line(resolvedFirst)); // the webhook re-delivers the first resolution, a week later in the file
        Path input = dir.resolve("reopened.jsonl");
        Files.writeString(input, file);
        Path out = dir.resolve("out");

        assertThat(CareKpiCli.run("replay", "--input", input.toString(), "--output", out.toString())).isZero();

        String week = Files.readAllLines(out.resolve("kpis.jsonl")).stream()
                .filter(l -> l.startsWith("{\"window\":\"1d\"") && l.contains("\"channel\":\"EMAIL\",\"agent\":\"all\","
                        + "\"queue\":\"billing\"") && l.contains("\"reopened\":1"))
                .findFirst().orElseThrow(() -> new AssertionError("the reopen is not in the queue's row"));
        assertThat(week).contains("\"opened\":0", "\"first_responses\":0", "\"next_responses\":1",
                "\"resolved\":1", "\"resolution_sum_ms\":" + (7 * day + 900) * 1000);
        assertThat(Files.readAllLines(out.resolve("kpis.jsonl"))).filteredOn(l -> l.startsWith("{\"window\":\"1d\"")
                && l.contains("\"channel\":\"all\""))
                .extracting(l -> l.replaceAll(".*\"opened\":(\\d+).*", "$1")).containsExactly("1", "0");
        assertThat(Files.readAllLines(out.resolve("conversations.jsonl"))).as("one conversation, two resolutions")
                .hasSize(2).allMatch(l -> l.contains("\"conversationId\":\"mail-7\""));
    }
}

package io.carekpi.connectors.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.schema.Channel;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaClock;
import io.carekpi.schema.SlaEvent;
import io.carekpi.schema.SlaStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LineProtocolTest {
    private static final Instant WINDOW_START = Instant.parse("2024-03-01T10:15:00Z"); // 1709288100000 ms
    private static final Instant EMITTED = Instant.parse("2024-03-01T10:16:00Z"); // 1709288160000 ms

    /** The additive, percentile and derived fields of SPEC section 4, plus revision and is_final. */
    private static final List<String> SPEC_FIELDS = List.of("revision", "is_final",
            "opened", "customer_messages", "agent_messages", "bot_messages", "first_responses", "frt_sum_ms",
            "frt_max_ms", "frt_p50_ms", "frt_p90_ms", "bot_first_responses", "bot_frt_sum_ms", "next_responses",
            "nrt_sum_ms", "handled", "handle_sum_ms", "talk_sum_ms", "hold_sum_ms", "holds", "wrap_up_sum_ms",
            "resolved", "resolution_sum_ms", "reopened", "transfers", "escalations", "fcr_candidates",
            "fcr_confirmed", "fcr_lost", "final_resolutions", "contacts_to_resolution_sum", "abandoned",
            "abandon_wait_sum_ms", "bot_contained", "csat_responses", "csat_satisfied", "csat_score_sum",
            "nps_responses", "nps_promoters", "nps_detractors", "ces_responses", "ces_score_sum",
            "agent_sat_responses", "agent_sat_score_sum", "articles_viewed", "article_dwell_sum_ms", "deflected",
            "sla_first_response_met", "sla_first_response_breached", "sla_next_response_met",
            "sla_next_response_breached", "sla_resolution_met", "sla_resolution_breached", "sla_warnings",
            "avg_frt_ms", "avg_nrt_ms", "aht_ms", "avg_hold_ms", "avg_resolution_ms", "fcr_rate",
            "avg_contacts_to_resolution", "csat_pct", "nps", "ces_avg", "abandon_rate", "bot_containment_rate",
            "service_level");

    // ---- care_kpi ---------------------------------------------------------------------------

    @Test
    void shouldWriteASnapshotWithSortedTagsIntegerCountersFloatRatiosAndWindowStartInNanoseconds() {
        KpiSnapshot s = snapshot("1m", "WHATSAPP", "agent-7", "billing", 3)
                .setOpened(12).setFirstResponses(10).setFrtSumMs(123_400).setFrtMaxMs(40_000)
                .setFrtP50Ms(9_000L).setFrtP90Ms(30_000L)
                .setAvgFrtMs(12_340.0).setFcrRate(0.75)
                .build();

        assertThat(LineProtocol.kpi(s)).isEqualTo(
                "care_kpi,agent=agent-7,channel=WHATSAPP,queue=billing,window=1m "
                        + "revision=3i,is_final=false,opened=12i,customer_messages=0i,agent_messages=0i,"
                        + "bot_messages=0i,first_responses=10i,frt_sum_ms=123400i,frt_max_ms=40000i,"
                        + "frt_p50_ms=9000i,frt_p90_ms=30000i,bot_first_responses=0i,bot_frt_sum_ms=0i,"
                        + "next_responses=0i,nrt_sum_ms=0i,handled=0i,handle_sum_ms=0i,talk_sum_ms=0i,"
                        + "hold_sum_ms=0i,holds=0i,wrap_up_sum_ms=0i,resolved=0i,resolution_sum_ms=0i,"
                        + "reopened=0i,transfers=0i,escalations=0i,fcr_candidates=0i,fcr_confirmed=0i,"
                        + "fcr_lost=0i,final_resolutions=0i,contacts_to_resolution_sum=0i,abandoned=0i,"
                        + "abandon_wait_sum_ms=0i,bot_contained=0i,csat_responses=0i,csat_satisfied=0i,"
                        + "csat_score_sum=0i,nps_responses=0i,nps_promoters=0i,nps_detractors=0i,"
                        + "ces_responses=0i,ces_score_sum=0i,agent_sat_responses=0i,agent_sat_score_sum=0i,"
                        + "articles_viewed=0i,article_dwell_sum_ms=0i,deflected=0i,sla_first_response_met=0i,"
                        + "sla_first_response_breached=0i,sla_next_response_met=0i,"
                        + "sla_next_response_breached=0i,sla_resolution_met=0i,sla_resolution_breached=0i,"
                        + "sla_warnings=0i,avg_frt_ms=12340.0,fcr_rate=0.75 1709288100000000000");
    }

    @Test
    void shouldWriteEverySpecFieldWhenAllAreSet() {
        KpiSnapshot.Builder b = snapshot("1h", "all", "all", "all", 1).setIsFinal(true);
        KpiSnapshot full = b.build();
        for (var field : KpiSnapshot.getClassSchema().getFields()) {
            if (field.schema().isUnion() && full.get(field.pos()) == null) {
                boolean isDouble = field.schema().getTypes().stream()
                        .anyMatch(t -> t.getType() == org.apache.avro.Schema.Type.DOUBLE);
                full.put(field.pos(), isDouble ? (Object) 0.5 : (Object) 7L);
            }
        }

        ParsedLine line = ParsedLine.parse(LineProtocol.kpi(full));

        assertThat(line.fields().keySet()).containsExactlyElementsOf(SPEC_FIELDS);
        assertThat(line.fields()).containsEntry("is_final", "true").containsEntry("frt_p50_ms", "7i")
                .containsEntry("service_level", "0.5");
    }

    @Test
    void shouldOmitNullPercentilesAndRatiosBecauseLineProtocolHasNoNull() {
        ParsedLine line = ParsedLine.parse(LineProtocol.kpi(snapshot("1m", "all", "all", "all", 1).build()));

        assertThat(line.fields()).doesNotContainKeys("frt_p50_ms", "frt_p90_ms", "avg_frt_ms", "service_level")
                .containsEntry("opened", "0i");
    }

    @Test
    void shouldWriteRatiosAsFloatsInPlainDecimalNeverAsIntegersOrExponents() {
        KpiSnapshot s = snapshot("1d", "all", "all", "all", 1)
                .setAvgFrtMs(5.0).setAhtMs(1.0e10).setNps(-12.5).setFcrRate(1.0e-7).build();

        ParsedLine line = ParsedLine.parse(LineProtocol.kpi(s));

        assertThat(line.fields()).containsEntry("avg_frt_ms", "5.0").containsEntry("aht_ms", "10000000000")
                .containsEntry("nps", "-12.5").containsEntry("fcr_rate", "0.00000010");
    }

    @Test
    void shouldOmitNonFiniteRatiosWhichNoInfluxDbAccepts() {
        KpiSnapshot s = snapshot("1m", "all", "all", "all", 1)
                .setAvgFrtMs(Double.NaN).setAhtMs(Double.POSITIVE_INFINITY).setNps(10.0).build();

        assertThat(ParsedLine.parse(LineProtocol.kpi(s)).fields()).doesNotContainKeys("avg_frt_ms", "aht_ms")
                .containsKey("nps");
    }

    @Test
    void shouldGiveEveryRevisionOfASnapshotTheSamePointSoTheLatestOverwritesIt() {
        ParsedLine first = ParsedLine.parse(LineProtocol.kpi(snapshot("1m", "SMS", "a1", "all", 1).setOpened(1).build()));
        ParsedLine later = ParsedLine.parse(LineProtocol.kpi(
                snapshot("1m", "SMS", "a1", "all", 2).setOpened(5).setIsFinal(true).build()));

        assertThat(later.seriesKey()).isEqualTo(first.seriesKey());
        assertThat(later.timestamp()).isEqualTo(first.timestamp());
        assertThat(later.fields()).containsEntry("revision", "2i").containsEntry("opened", "5i");
    }

    @Test
    void shouldPutOtherWindowsAndDimensionsOnOtherPoints() {
        String oneMinute = ParsedLine.parse(LineProtocol.kpi(snapshot("1m", "SMS", "all", "all", 1).build())).seriesKey();
        String oneHour = ParsedLine.parse(LineProtocol.kpi(snapshot("1h", "SMS", "all", "all", 1).build())).seriesKey();
        String perQueue = ParsedLine.parse(LineProtocol.kpi(snapshot("1m", "SMS", "all", "q1", 1).build())).seriesKey();

        assertThat(Set.of(oneMinute, oneHour, perQueue)).hasSize(3);
    }

    // ---- escaping ---------------------------------------------------------------------------

    @Test
    void shouldEscapeSpacesCommasAndEqualsInTagValues() {
        String line = LineProtocol.kpi(snapshot("1m", "WEB_CHAT", "Ana Lima", "vip, tier=gold", 1).build());

        assertThat(line).startsWith("care_kpi,agent=Ana\\ Lima,channel=WEB_CHAT,queue=vip\\,\\ tier\\=gold,window=1m ");
        ParsedLine parsed = ParsedLine.parse(line);
        assertThat(parsed.tags()).containsEntry("agent", "Ana Lima").containsEntry("queue", "vip, tier=gold");
    }

    @Test
    void shouldKeepBackslashesThatEveryInfluxDbReadsLiterally() {
        assertThat(LineProtocol.escapeTagValue("DOMAIN\\ana")).isEqualTo("DOMAIN\\ana");
    }

    @Test
    void shouldReplaceBackslashesThatInfluxDbVersionsReadDifferently() {
        assertThat(LineProtocol.escapeTagValue("ends\\")).isEqualTo("ends_");
        assertThat(LineProtocol.escapeTagValue("a\\ b")).isEqualTo("a_\\ b");
        assertThat(LineProtocol.escapeTagValue("a\\,b")).isEqualTo("a_\\,b");
        assertThat(LineProtocol.escapeTagValue("a\\=b")).isEqualTo("a_\\=b");
    }

    @Test
    void shouldTurnLineBreaksAndTabsInTagValuesIntoEscapedSpaces() {
        assertThat(LineProtocol.escapeTagValue("line1\nline2\r\tend")).isEqualTo("line1\\ line2\\ \\ end");
    }

    @Test
    void shouldOmitEmptyTagValuesWhichLineProtocolForbids() {
        String line = LineProtocol.kpi(snapshot("1m", "SMS", "", "all", 1).build());

        assertThat(line).startsWith("care_kpi,channel=SMS,queue=all,window=1m ");
    }

    @Test
    void shouldEscapeQuotesAndBackslashesInStringFields() {
        SlaEvent e = sla("c \"quoted\" \\ id", "sla-1").build();

        ParsedLine line = ParsedLine.parse(LineProtocol.sla(e));

        assertThat(line.fields()).containsEntry("conversation_id", "\"c \\\"quoted\\\" \\\\ id\"");
        assertThat(LineProtocol.quoteString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }

    // ---- care_sla ---------------------------------------------------------------------------

    @Test
    void shouldWriteAnSlaEventWithIdsAsStringFieldsAndAHashedSubMillisecondOffset() {
        SlaEvent e = sla("c-42", "c-42:FIRST_RESPONSE:1:BREACHED").build();

        assertThat(LineProtocol.sla(e)).isEqualTo(
                "care_sla,channel=WHATSAPP,clock=FIRST_RESPONSE,queue=billing,status=BREACHED "
                        + "threshold_ms=60000i,overrun_ms=0i,deadline=1709288160000i,"
                        + "conversation_id=\"c-42\",sla_event_id=\"c-42:FIRST_RESPONSE:1:BREACHED\" "
                        + "1709288160000820828");
    }

    @Test
    void shouldTagTheAgentOfAnSlaEventWhenItHasOne() {
        SlaEvent e = sla("c-42", "c-42:RESOLUTION:1:CLEARED").setAgentId("agent-7").setQueue(null)
                .setClock(SlaClock.RESOLUTION).setStatus(SlaStatus.CLEARED).setOverrunMs(1_500).build();

        ParsedLine line = ParsedLine.parse(LineProtocol.sla(e));

        assertThat(line.tags()).containsOnlyKeys("agent", "channel", "clock", "status")
                .containsEntry("agent", "agent-7").containsEntry("status", "CLEARED");
        assertThat(line.fields()).containsEntry("overrun_ms", "1500i");
    }

    @Test
    void shouldKeepTwoSlaEventsWithTheSameTagsAndMillisecondOnDistinctPoints() {
        ParsedLine a = ParsedLine.parse(LineProtocol.sla(sla("c-42", "c-42:FIRST_RESPONSE:1:BREACHED").build()));
        ParsedLine b = ParsedLine.parse(LineProtocol.sla(sla("c-43", "c-43:FIRST_RESPONSE:1:BREACHED").build()));

        assertThat(a.seriesKey()).isEqualTo(b.seriesKey());
        assertThat(a.timestamp()).isNotEqualTo(b.timestamp());
        assertThat(a.timestamp() / 1_000_000).isEqualTo(b.timestamp() / 1_000_000).isEqualTo(EMITTED.toEpochMilli());
        assertThat(b.timestamp()).isEqualTo(1709288160000068955L);
    }

    @Test
    void shouldWriteTheSameSlaEventToTheSamePointEveryTime() {
        SlaEvent e = sla("c-42", "c-42:FIRST_RESPONSE:1:BREACHED").build();
        SlaEvent copy = SlaEvent.newBuilder(e).build();

        assertThat(LineProtocol.sla(copy)).isEqualTo(LineProtocol.sla(e));
    }

    @Test
    void shouldSpreadSubMillisecondOffsetsInsideTheMillisecond() {
        Set<Long> offsets = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long offset = LineProtocol.subMillisecondOffsetNanos("conv-" + i + ":FIRST_RESPONSE:1:BREACHED");
            assertThat(offset).isBetween(0L, 999_999L);
            offsets.add(offset);
        }
        // 10 000 draws from 10^6 values: about 50 expected collisions
        assertThat(offsets.size()).isGreaterThan(9_850);
    }

    // ---- care_queue -------------------------------------------------------------------------

    @Test
    void shouldWriteAQueueGaugeAtItsReadingTime() {
        QueueGauge g = QueueGauge.newBuilder().setChannel("VOICE").setQueue("all").setWaiting(3)
                .setOldestWaitMs(45_000).setAsOf(Instant.parse("2024-03-01T10:15:42.123Z")).build();

        assertThat(LineProtocol.queue(g))
                .isEqualTo("care_queue,channel=VOICE,queue=all waiting=3i,oldest_wait_ms=45000i 1709288142123000000");
    }

    // ---- identifiers never in tags ----------------------------------------------------------

    @Test
    void shouldNeverPutConversationOrCustomerIdentifiersInTags() {
        String conversation = "conv-7f3a9c";
        SlaEvent e = sla(conversation, conversation + ":NEXT_RESPONSE:4:WARNING").setAgentId("agent-1").build();
        List<ParsedLine> lines = List.of(
                ParsedLine.parse(LineProtocol.sla(e)),
                ParsedLine.parse(LineProtocol.kpi(snapshot("1m", "SMS", "agent-1", "billing", 1).build())),
                ParsedLine.parse(LineProtocol.queue(QueueGauge.newBuilder().setChannel("SMS").setQueue("billing")
                        .setWaiting(1).setOldestWaitMs(1).setAsOf(EMITTED).build())));

        for (ParsedLine line : lines) {
            assertThat(line.tags().keySet()).doesNotContain("conversation_id", "conversationId", "customer_id",
                    "customerId", "sla_event_id", "slaEventId");
            assertThat(line.tags().values()).noneMatch(v -> v.contains(conversation));
        }
        assertThat(lines.get(0).tags()).containsOnlyKeys("agent", "channel", "clock", "queue", "status");
        assertThat(lines.get(1).tags()).containsOnlyKeys("agent", "channel", "queue", "window");
        assertThat(lines.get(2).tags()).containsOnlyKeys("channel", "queue");
        assertThat(lines.get(0).fields()).containsEntry("conversation_id", "\"" + conversation + "\"");
    }

    // ---- fixtures ---------------------------------------------------------------------------

    private static KpiSnapshot.Builder snapshot(String window, String channel, String agent, String queue, long revision) {
        return KpiSnapshot.newBuilder().setWindow(window).setWindowStart(WINDOW_START)
                .setWindowEnd(WINDOW_START.plusSeconds(60)).setChannel(channel).setAgent(agent).setQueue(queue)
                .setRevision(revision);
    }

    private static SlaEvent.Builder sla(String conversationId, String slaEventId) {
        return SlaEvent.newBuilder().setSlaEventId(slaEventId).setConversationId(conversationId)
                .setChannel(Channel.WHATSAPP).setQueue("billing").setAgentId(null)
                .setClock(SlaClock.FIRST_RESPONSE).setStatus(SlaStatus.BREACHED).setThresholdMs(60_000)
                .setStartedAt(EMITTED.minusSeconds(60)).setDeadline(EMITTED).setEmittedFor(EMITTED).setOverrunMs(0);
    }
}

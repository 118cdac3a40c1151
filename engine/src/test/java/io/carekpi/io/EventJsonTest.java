package io.carekpi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.kpi.EventValidator;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    @Test
    void readsIsoOrEpochTimesAndRoundTrips() throws Exception {
        InteractionEvent a = EventJson.decode("{\"eventId\":\"e1\",\"occurredAt\":\"2026-03-02T09:00:00+01:00\","
                + "\"conversationId\":\"c1\",\"customerId\":\"u1\",\"channel\":\"SMS\",\"type\":\"CONVERSATION_OPENED\"}");
        assertThat(a.getOccurredAt()).isEqualTo(Instant.parse("2026-03-02T08:00:00Z"));
        InteractionEvent b = EventJson.decode("{\"eventId\":\"e1\",\"occurredAt\":1772438400000,"
                + "\"conversationId\":\"c1\",\"channel\":\"SMS\",\"type\":\"CUSTOMER_MESSAGE\"}");
        assertThat(b.getOccurredAt().toEpochMilli()).isEqualTo(1772438400000L);
        InteractionEvent c = ConversationScript.conversation("c9", Channel.VOICE).customer("u").at(1)
                .survey(SurveyKind.CES, 3, null, "ag").last();
        assertThat(EventJson.decode(EventJson.encode(c))).isEqualTo(c);
    }

    @Test
    void unknownSymbolsReadAsUnknownForForwardCompatibility() throws Exception {
        InteractionEvent e = EventJson.decode("{\"eventId\":\"e1\",\"occurredAt\":0,\"conversationId\":\"c1\","
                + "\"channel\":\"TELEPATHY\",\"type\":\"CUSTOMER_SMILED\",\"newField\":1}");
        assertThat(e.getChannel()).isEqualTo(Channel.UNKNOWN);
        assertThat(e.getType()).isEqualTo(EventType.UNKNOWN);
    }

    @Test
    void wrongTypesAndMissingFieldsAreRejectedWithTheirReason() {
        assertThatThrownBy(() -> EventJson.decode("{\"eventId\":5}")).hasMessageContaining("eventId: expected a string");
        assertThatThrownBy(() -> EventJson.decode("{\"eventId\":\"e\",\"conversationId\":\"c\"}"))
                .hasMessageContaining("occurredAt is missing");
        assertThatThrownBy(() -> EventJson.decode("{\"eventId\":\"e\",\"occurredAt\":\"yesterday\"}"))
                .hasMessageContaining("not ISO-8601");
        assertThatThrownBy(() -> EventJson.decode("[1,2]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> EventJson.decode("{\"eventId\":\"e\",\"occurredAt\":0,\"conversationId\":\"c\","
                + "\"channel\":\"SMS\",\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"CSAT\",\"score\":\"five\"}}"))
                .hasMessageContaining("survey.score");
    }

    @Test
    void aLineHoldsExactlyOneJsonObjectWithUniqueKeys() {
        String valid = "{\"eventId\":\"e1\",\"occurredAt\":0,\"conversationId\":\"c1\",\"channel\":\"SMS\","
                + "\"type\":\"CUSTOMER_MESSAGE\"}";
        assertThatThrownBy(() -> EventJson.decode(valid + valid)).as("two objects on one line")
                .hasMessageContaining("after the JSON object");
        assertThatThrownBy(() -> EventJson.decode(valid + "]")).as("trailing garbage")
                .hasMessageContaining("not valid JSON: Unexpected close marker ']'");
        assertThatThrownBy(() -> EventJson.decode(valid + " 42")).as("a trailing value")
                .hasMessageContaining("after the JSON object");
        assertThatThrownBy(() -> EventJson.decode(valid.replace("\"type\"", "\"queue\":\"a\",\"queue\":\"b\",\"type\"")))
                .hasMessageContaining("duplicate field 'queue'");
    }

    @Test
    void anEventWithoutChannelIsValidAndReadsAsUnknown() throws Exception {
        InteractionEvent e = EventJson.decode("{\"eventId\":\"e1\",\"occurredAt\":0,\"conversationId\":\"c1\","
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"CSAT\",\"score\":5}}");
        assertThat(e.getChannel()).isEqualTo(Channel.UNKNOWN);
        assertThat(EventValidator.problem(e)).isNull();
    }

    @Test
    void additiveInputsAreBoundedSoNoSumCanOverflow() throws Exception {
        String base = "{\"eventId\":\"e\",\"occurredAt\":0,\"conversationId\":\"c\",\"channel\":\"SMS\",";
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"ARTICLE_VIEWED\",\"article\":{\"articleId\":\"a\",\"dwellMs\":9223372036854775807}}")))
                .contains("above a day");
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"ARTICLE_VIEWED\",\"article\":{\"articleId\":\"a\",\"dwellMs\":86400000}}"))).isNull();
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"CES\",\"score\":2000000000,\"scaleMax\":2147483647}}")))
                .contains("scaleMax 2147483647 is above 100");
        InteractionEvent farFuture = EventJson.decode(base.replace("\"occurredAt\":0", "\"occurredAt\":\"+292278994-08-17T07:12:55Z\"")
                + "\"type\":\"CUSTOMER_MESSAGE\"}");
        assertThat(EventValidator.timeProblem(farFuture, Long.MAX_VALUE, "nothing")).contains("after 2200-01-01");
    }

    @Test
    void controlCharactersInIdentifiersAreRejected() throws Exception {
        String base = "{\"eventId\":\"e1\",\"occurredAt\":0,\"channel\":\"SMS\",\"type\":\"CUSTOMER_MESSAGE\",";
        assertThat(EventValidator.problem(EventJson.decode(base + "\"conversationId\":\"c\\u0000d\"}")))
                .contains("conversationId has a control character");
        assertThat(EventValidator.problem(EventJson.decode(base + "\"conversationId\":\"c\",\"agentId\":\"a\\nb\"}")))
                .contains("agentId has a control character");
    }

    @Test
    void validationRejectsWhatTheSpecCallsInvalid() throws Exception {
        String base = "{\"eventId\":\"e\",\"occurredAt\":0,\"conversationId\":\"c\",\"channel\":\"SMS\",";
        assertThat(EventValidator.problem(EventJson.decode(base + "\"type\":\"CONVERSATION_OPENED\"}")))
                .contains("customerId");
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"NPS\",\"score\":11}}"))).contains("outside");
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"NPS\",\"score\":0}}"))).isNull();
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"ARTICLE_VIEWED\",\"article\":{\"articleId\":\"a\",\"dwellMs\":-1}}"))).contains("negative");
        assertThat(EventValidator.problem(EventJson.decode(base + "\"type\":\"AGENT_ASSIGNED\"}"))).contains("agentId");
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"NPS\",\"score\":4,\"scaleMax\":5}}")))
                .contains("NPS is on 0..10");
        assertThat(EventValidator.problem(EventJson.decode(base
                + "\"type\":\"SURVEY_RESPONSE\",\"survey\":{\"kind\":\"CSAT\",\"score\":0}}")))
                .as("CSAT runs 1..scaleMax").contains("outside");
    }

    @Test
    void avroSingleObjectAndBareBinaryBothDecode() throws Exception {
        InteractionEvent e = ConversationScript.conversation("c1", Channel.WHATSAPP).customer("u1").at(3).opened().last();
        byte[] single = EventAvro.encode(e);
        assertThat(EventAvro.decode(single)).isEqualTo(e);
        java.io.ByteArrayOutputStream bare = new java.io.ByteArrayOutputStream();
        var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bare, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(InteractionEvent.class).write(e, enc);
        enc.flush();
        assertThat(EventAvro.decode(bare.toByteArray())).isEqualTo(e);
        assertThatThrownBy(() -> EventAvro.decode(new byte[] {1, 2, 3})).isInstanceOf(InvalidEventException.class);
    }
}

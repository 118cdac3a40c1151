package io.carekpi.testing;

import io.carekpi.schema.Article;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A fluent builder of one conversation's events, so a test reads like the conversation:
 * {@code conversation("c1", WEB_CHAT).customer("u1").at(0).opened().at(30).agentMessage("alice")}.
 * Times given to {@link #at} are seconds after {@link #BASE}.
 */
public final class ConversationScript {
    public static final long BASE = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();

    private final String conversationId;
    private final Channel channel;
    private final List<InteractionEvent> events = new ArrayList<>();
    private String customerId;
    private String queue;
    private long now = BASE;
    private int seq;

    private ConversationScript(String conversationId, Channel channel) {
        this.conversationId = conversationId;
        this.channel = channel;
    }

    public static ConversationScript conversation(String id, Channel channel) {
        return new ConversationScript(id, channel);
    }

    public ConversationScript customer(String customerId) {
        this.customerId = customerId;
        return this;
    }

    /** Names a queue on the following events. */
    public ConversationScript queue(String queue) {
        this.queue = queue;
        return this;
    }

    public ConversationScript at(double seconds) {
        this.now = BASE + Math.round(seconds * 1000);
        return this;
    }

    public ConversationScript atMillis(long epochMillis) {
        this.now = epochMillis;
        return this;
    }

    public long now() {
        return now;
    }

    private ConversationScript add(EventType type, String agent, Survey survey, Article article) {
        events.add(InteractionEvent.newBuilder()
                .setEventId(conversationId + "-" + (++seq))
                .setOccurredAt(Instant.ofEpochMilli(now))
                .setConversationId(conversationId)
                .setCustomerId(customerId)
                .setChannel(channel)
                .setType(type)
                .setAgentId(agent)
                .setQueue(queue)
                .setSurvey(survey)
                .setArticle(article)
                .build());
        return this;
    }

    public ConversationScript event(EventType type, String agent) {
        return add(type, agent, null, null);
    }

    public ConversationScript opened() { return event(EventType.CONVERSATION_OPENED, null); }
    public ConversationScript customerMessage() { return event(EventType.CUSTOMER_MESSAGE, null); }
    public ConversationScript agentMessage(String agent) { return event(EventType.AGENT_MESSAGE, agent); }
    public ConversationScript botMessage() { return event(EventType.BOT_MESSAGE, null); }
    public ConversationScript assigned(String agent) { return event(EventType.AGENT_ASSIGNED, agent); }
    public ConversationScript transferred(String target) { return event(EventType.TRANSFERRED, target); }
    public ConversationScript escalated() { return event(EventType.ESCALATED, null); }
    public ConversationScript holdStarted() { return event(EventType.HOLD_STARTED, null); }
    public ConversationScript holdEnded() { return event(EventType.HOLD_ENDED, null); }
    public ConversationScript wrapUpStarted(String agent) { return event(EventType.WRAP_UP_STARTED, agent); }
    public ConversationScript wrapUpEnded(String agent) { return event(EventType.WRAP_UP_ENDED, agent); }
    public ConversationScript resolved(String agent) { return event(EventType.RESOLVED, agent); }
    public ConversationScript reopened() { return event(EventType.REOPENED, null); }
    public ConversationScript closed() { return event(EventType.CONVERSATION_CLOSED, null); }
    public ConversationScript deflected() { return event(EventType.DEFLECTED, null); }

    public ConversationScript survey(SurveyKind kind, int score, Integer scaleMax, String agent) {
        return add(EventType.SURVEY_RESPONSE, agent, new Survey(kind, score, scaleMax), null);
    }

    public ConversationScript articleViewed(String articleId, long dwellMs) {
        return add(EventType.ARTICLE_VIEWED, null, null, new Article(articleId, dwellMs));
    }

    public List<InteractionEvent> events() {
        return List.copyOf(events);
    }

    public InteractionEvent last() {
        return events.get(events.size() - 1);
    }
}

package io.carekpi.kpi;

import io.carekpi.kpi.conversation.Conversation;

/**
 * A change of whether a conversation's customer is waiting for an agent reply, for the live
 * gauges: the conversation now waits since {@link #since} in {@code channel}/{@code queue}, or
 * ({@code since == NONE}) no longer waits there. A Flink POJO.
 */
public class WaitUpdate {
    public String conversationId;
    public String channel;
    /** Null when the conversation names no queue. */
    public String queue;
    public long since = Conversation.NONE;

    public WaitUpdate() {}

    public WaitUpdate(String conversationId, String channel, String queue, long since) {
        this.conversationId = conversationId;
        this.channel = channel;
        this.queue = queue;
        this.since = since;
    }

    public boolean waiting() {
        return since != Conversation.NONE;
    }
}

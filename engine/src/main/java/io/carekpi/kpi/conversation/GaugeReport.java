package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;

import java.util.Objects;

/**
 * What the live gauges were last told of this conversation: waiting since {@link #since} (or
 * NONE: not waiting) in {@link #channel}/{@link #queue}. The gauges hear only changes. A Flink POJO.
 */
public class GaugeReport {
    public long since = NONE;
    public String channel;
    public String queue;

    public GaugeReport() {}

    /** The gauges were told this already: the same wait in the same place, or no wait either way. */
    public boolean says(long waitingSince, String nowChannel, String nowQueue) {
        boolean moved = !Objects.equals(channel, nowChannel) || !Objects.equals(queue, nowQueue);
        return waitingSince == since && (waitingSince == NONE || !moved);
    }

    /** The gauges count this conversation as waiting. */
    public boolean waiting() {
        return since != NONE;
    }

    public void told(long waitingSince, String nowChannel, String nowQueue) {
        since = waitingSince;
        channel = nowChannel;
        queue = nowQueue;
    }
}

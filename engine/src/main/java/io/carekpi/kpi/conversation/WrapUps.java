package io.carekpi.kpi.conversation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The open wrap-ups of a conversation, at most one per agent (SPEC section 2): a wrap-up ends at
 * its agent's WRAP_UP_ENDED, at the close, or after {@code maxWrapUp}, whichever is first, and then
 * counts at most {@code maxWrapUp}. A Flink POJO.
 */
public class WrapUps {
    /** In the order they started. */
    public List<OpenWrapUp> open = new ArrayList<>();

    public WrapUps() {}

    /** A wrap-up that has started and not ended. A Flink POJO. */
    public static class OpenWrapUp {
        /** Null when no agent is known. */
        public String agent;
        public long startedAt;

        public OpenWrapUp() {}

        public OpenWrapUp(String agent, long startedAt) {
            this.agent = agent;
            this.startedAt = startedAt;
        }

        /** When it ends at the latest. */
        public long limit(long maxWrapUpMs) {
            return startedAt + maxWrapUpMs;
        }

        /** Its length when it ends at {@code end}: at most {@code maxWrapUpMs}. */
        public long lengthAt(long end, long maxWrapUpMs) {
            return Math.min(end - startedAt, maxWrapUpMs);
        }
    }

    /** {@code agent} (null: unknown) starts wrapping up; ignored when already wrapping up (the first start counts). */
    public void start(String agent, long t) {
        if (find(agent) == null) {
            open.add(new OpenWrapUp(agent, t));
        }
    }

    /** Ends {@code agent}'s wrap-up: returns it, or null when that agent was not wrapping up. */
    public OpenWrapUp end(String agent) {
        OpenWrapUp w = find(agent);
        if (w != null) {
            open.remove(w);
        }
        return w;
    }

    /** Ends every open wrap-up (the conversation closes): returns them in the order they started. */
    public List<OpenWrapUp> endAll() {
        List<OpenWrapUp> ended = new ArrayList<>(open);
        open.clear();
        return ended;
    }

    /** Ends the wrap-ups whose {@code maxWrapUp} has run out at or before {@code t}, in the order they started. */
    public List<OpenWrapUp> runOutBy(long t, long maxWrapUpMs) {
        List<OpenWrapUp> ended = new ArrayList<>();
        for (Iterator<OpenWrapUp> it = open.iterator(); it.hasNext(); ) {
            OpenWrapUp w = it.next();
            if (w.limit(maxWrapUpMs) <= t) {
                it.remove();
                ended.add(w);
            }
        }
        return ended;
    }

    /** The earliest instant an open wrap-up runs out, or {@link Long#MAX_VALUE}. */
    public long nextLimit(long maxWrapUpMs) {
        long next = Long.MAX_VALUE;
        for (OpenWrapUp w : open) {
            next = Math.min(next, w.limit(maxWrapUpMs));
        }
        return next;
    }

    private OpenWrapUp find(String agent) {
        for (OpenWrapUp w : open) {
            if (Objects.equals(w.agent, agent)) {
                return w;
            }
        }
        return null;
    }
}

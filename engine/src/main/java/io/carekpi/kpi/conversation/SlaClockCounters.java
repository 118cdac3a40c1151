package io.carekpi.kpi.conversation;

import io.carekpi.schema.SlaClock;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation's SLA clocks (SPEC section 3): the running ones, at most one of each kind, and
 * how many of each kind were ever started, which numbers them in the SLA event ids. A Flink POJO.
 */
public class SlaClockCounters {
    /** Running clocks, in the order they started. */
    public List<RunningSlaClock> running = new ArrayList<>();
    public int firstResponseClocks;
    public int nextResponseClocks;
    public int resolutionClocks;

    public SlaClockCounters() {}

    public RunningSlaClock find(SlaClock kind) {
        for (RunningSlaClock c : running) {
            if (c.clock == kind) {
                return c;
            }
        }
        return null;
    }

    public boolean isRunning(SlaClock kind) {
        return find(kind) != null;
    }

    /** Starts {@code c}, numbering it after the conversation's earlier clocks of its kind. */
    public void start(RunningSlaClock c) {
        c.sequence = switch (c.clock) {
            case FIRST_RESPONSE -> ++firstResponseClocks;
            case NEXT_RESPONSE -> ++nextResponseClocks;
            default -> ++resolutionClocks;
        };
        running.add(c);
    }

    /** Stops the running clock of this kind: returns it, or null when none runs. */
    public RunningSlaClock stop(SlaClock kind) {
        RunningSlaClock c = find(kind);
        if (c != null) {
            running.remove(c);
        }
        return c;
    }

    public void stopAll() {
        running.clear();
    }

    /** The next instant a running clock must act at, or {@link Long#MAX_VALUE}. */
    public long nextInstant() {
        long next = Long.MAX_VALUE;
        for (RunningSlaClock c : running) {
            next = Math.min(next, c.nextInstant());
        }
        return next;
    }
}

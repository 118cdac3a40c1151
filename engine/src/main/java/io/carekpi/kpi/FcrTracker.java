package io.carekpi.kpi;

import io.carekpi.config.EngineConfig;
import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The customer-level rules of SPEC section 2: repeat contacts, first contact resolution
 * (candidate, then confirmed or lost after {@code fcrWindow}) and contacts to resolution.
 *
 * <p>Signals must be fed in event-time order ({@link #ORDER} breaks ties) and {@link #advanceTo}
 * called with increasing times; signals at an instant come before the verdicts due then, so an
 * opening exactly {@code fcrWindow} after a resolution still counts as "within" it.
 */
public final class FcrTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Deterministic order of signals at one instant: resolutions and reopens before openings. */
    public static final java.util.Comparator<CustomerSignal> ORDER = java.util.Comparator
            .<CustomerSignal>comparingLong(s -> s.at)
            .thenComparing(s -> s.kind)
            .thenComparing(s -> s.conversationId);

    private final long fcrWindowMs;
    /** How long an opening is kept: as long as its conversation can be remembered. */
    private final long retentionMs;

    public FcrTracker(EngineConfig config) {
        this.fcrWindowMs = config.fcrWindow.toMillis();
        this.retentionMs = config.conversationRetention.toMillis();
    }

    public void onSignal(CustomerLedger l, CustomerSignal s, Consumer<KpiFact> out) {
        switch (s.kind) {
            case OPENED -> opened(l, s);
            case RESOLVED -> resolved(l, s, out);
            case REOPENED -> {
                for (CustomerLedger.PendingVerdict p : l.pending) {
                    if (p.conversationId.equals(s.conversationId) && p.resolvedAt <= s.at) {
                        p.lost = true;
                    }
                }
            }
        }
    }

    private void opened(CustomerLedger l, CustomerSignal s) {
        if (find(l, s.conversationId) != null) {
            return;
        }
        CustomerLedger.Opening o = new CustomerLedger.Opening();
        o.conversationId = s.conversationId;
        o.openedAt = s.openedAt;
        o.keepUntil = s.openedAt + retentionMs;
        for (CustomerLedger.Resolution r : l.resolutions) {
            if (!r.conversationId.equals(s.conversationId) && r.resolvedAt <= s.openedAt
                    && s.openedAt - r.resolvedAt <= fcrWindowMs) {
                o.repeat = true;
            }
        }
        for (CustomerLedger.Opening prior : l.openings) {
            if (prior.openedAt <= s.openedAt && s.openedAt - prior.openedAt <= fcrWindowMs) {
                o.priorContacts++;
            }
        }
        // A new conversation within fcrWindow after a resolution: that resolution is neither
        // an FCR nor final.
        for (CustomerLedger.PendingVerdict p : l.pending) {
            if (!p.conversationId.equals(s.conversationId) && p.resolvedAt <= s.at) {
                p.lost = true;
            }
        }
        l.openings.add(o);
    }

    private void resolved(CustomerLedger l, CustomerSignal s, Consumer<KpiFact> out) {
        CustomerLedger.Opening o = find(l, s.conversationId);
        boolean repeat = o != null && o.repeat;
        CustomerLedger.PendingVerdict p = new CustomerLedger.PendingVerdict();
        p.conversationId = s.conversationId;
        p.resolvedAt = s.at;
        p.candidate = s.eligible && !repeat;
        p.contacts = (o != null ? o.priorContacts : 0) + 1;
        p.channel = s.channel;
        p.agent = s.agent;
        p.queue = s.queue;
        l.pending.add(p);
        l.resolutions.add(new CustomerLedger.Resolution(s.conversationId, s.at));
        if (o != null) {
            o.keepUntil = Math.max(o.keepUntil, s.at + fcrWindowMs);
        }
        if (p.candidate) {
            out.accept(fact(p, FactKind.FCR_CANDIDATE, 0));
        }
    }

    private static KpiFact fact(CustomerLedger.PendingVerdict p, FactKind kind, long value) {
        return KpiFact.of(p.resolvedAt, p.channel, p.agent, p.queue, kind, value);
    }

    private static CustomerLedger.Opening find(CustomerLedger l, String conversationId) {
        for (CustomerLedger.Opening o : l.openings) {
            if (o.conversationId.equals(conversationId)) {
                return o;
            }
        }
        return null;
    }

    /**
     * An opening no rule needs at {@code t} any more: past {@code fcrWindow} (no new contact counts
     * it as prior) and past its {@code keepUntil} (its conversation is no longer remembered).
     */
    public static boolean forgotten(CustomerLedger.Opening o, long t, long fcrWindowMs) {
        return Math.max(o.keepUntil, o.openedAt + fcrWindowMs) < t;
    }

    /** The next instant at which {@link #advanceTo} has work, or Long.MAX_VALUE. */
    public long nextDeadline(CustomerLedger l) {
        long next = Long.MAX_VALUE;
        for (CustomerLedger.PendingVerdict p : l.pending) {
            next = Math.min(next, p.resolvedAt + fcrWindowMs);
        }
        for (CustomerLedger.Resolution r : l.resolutions) {
            next = Math.min(next, r.resolvedAt + fcrWindowMs + 1);
        }
        for (CustomerLedger.Opening o : l.openings) {
            next = Math.min(next, Math.max(o.keepUntil, o.openedAt + fcrWindowMs) + 1);
        }
        return next;
    }

    /**
     * Posts the verdicts due at or before {@code t} (attributed to their resolution's instant) and
     * forgets what no rule can need any more. Returns true when the ledger is empty.
     */
    public boolean advanceTo(CustomerLedger l, long t, Consumer<KpiFact> out) {
        for (Iterator<CustomerLedger.PendingVerdict> it = l.pending.iterator(); it.hasNext(); ) {
            CustomerLedger.PendingVerdict p = it.next();
            if (p.resolvedAt + fcrWindowMs <= t) {
                it.remove();
                if (p.candidate) {
                    out.accept(fact(p, p.lost ? FactKind.FCR_LOST : FactKind.FCR_CONFIRMED, 0));
                }
                if (!p.lost) {
                    out.accept(fact(p, FactKind.FINAL_RESOLUTION, p.contacts));
                }
            }
        }
        l.resolutions.removeIf(r -> r.resolvedAt + fcrWindowMs < t);
        l.openings.removeIf(o -> forgotten(o, t, fcrWindowMs));
        return l.isEmpty();
    }
}

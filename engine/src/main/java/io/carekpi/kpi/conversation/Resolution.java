package io.carekpi.kpi.conversation;

import static io.carekpi.kpi.conversation.Conversation.NONE;

/**
 * How the conversation ended so far (SPEC section 2): resolutions and reopens, what disqualifies a
 * resolution from first contact resolution (a transfer, an escalation, a reopen), closing,
 * abandonment, bot containment and deflection. A Flink POJO.
 */
public class Resolution {
    public int transfers;
    public int escalations;
    public int reopens;
    public int resolutions;
    /** Resolution time of the latest resolution (from the opening), or NONE. */
    public long lastResolutionMs = NONE;
    /** Since the latest REOPENED (or ever): resolved and not reopened. */
    public boolean resolvedNow;
    public boolean closed;
    public boolean abandoned;
    public boolean botContained;
    public boolean deflected;
    /** A TRANSFERRED, ESCALATED or REOPENED happened: no later resolution is an FCR candidate. */
    public boolean fcrDisqualified;

    public Resolution() {}

    public void transferred() {
        transfers++;
        fcrDisqualified = true;
    }

    public void escalated() {
        escalations++;
        fcrDisqualified = true;
    }

    /** A reopen undoes the resolution and the close, and disqualifies later resolutions from FCR. */
    public void reopened() {
        reopens++;
        fcrDisqualified = true;
        resolvedNow = false;
        closed = false;
    }

    /** One more resolution, {@code resolutionMs} after the opening; contained when the bot alone talked. */
    public void resolved(long resolutionMs, boolean byBotAlone) {
        resolutions++;
        lastResolutionMs = resolutionMs;
        resolvedNow = true;
        if (byBotAlone) {
            botContained = true;
        }
    }

    /** A resolution now would be an FCR candidate (as far as this conversation knows). */
    public boolean fcrCandidate() {
        return !fcrDisqualified;
    }

    /** Closes the conversation; false when it was closed already (a repeated close changes nothing). */
    public boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** At the close: abandoned when no agent replied, nothing was resolved and nothing deflected. */
    public boolean abandonedAtClose(boolean answered) {
        if (!answered && resolutions == 0 && !deflected) {
            abandoned = true;
            return true;
        }
        return false;
    }

    public void deflected() {
        deflected = true;
    }

    /** Resolved or closed: only a reopen can still change it. */
    public boolean isOver() {
        return resolvedNow || closed;
    }
}

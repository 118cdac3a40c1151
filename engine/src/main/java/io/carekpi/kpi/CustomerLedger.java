package io.carekpi.kpi;

import java.util.ArrayList;
import java.util.List;

/**
 * What the customer stage remembers about one customer: recent openings and resolutions (for
 * repeat contacts and contacts to resolution) and resolutions awaiting their FCR verdict.
 * {@link FcrTracker} is the only code that changes it. The customer stage stores it with a
 * serializer of its own ({@code flink.CustomerLedgerSerializer}: a field added here must be added
 * there, with a new layout version); savepoints of earlier builds hold it as a Flink POJO.
 */
public class CustomerLedger {
    /** Conversations of this customer opened within the last fcrWindow (or still awaiting resolution). */
    public List<Opening> openings = new ArrayList<>();
    /** Resolutions within the last fcrWindow. */
    public List<Resolution> resolutions = new ArrayList<>();
    /** Resolutions whose fcrWindow has not passed yet. */
    public List<PendingVerdict> pending = new ArrayList<>();

    public CustomerLedger() {}

    public boolean isEmpty() {
        return openings.isEmpty() && resolutions.isEmpty() && pending.isEmpty();
    }

    /** One conversation opened by the customer. */
    public static class Opening {
        public String conversationId;
        public long openedAt;
        /** Opened within fcrWindow after a resolution of another conversation of the customer. */
        public boolean repeat;
        /** The customer's other conversations opened in the fcrWindow before this one. */
        public int priorContacts;
        /** When this entry may be forgotten. */
        public long keepUntil;

        public Opening() {}
    }

    /** One resolution, kept fcrWindow for repeat-contact detection. */
    public static class Resolution {
        public String conversationId;
        public long resolvedAt;

        public Resolution() {}

        public Resolution(String conversationId, long resolvedAt) {
            this.conversationId = conversationId;
            this.resolvedAt = resolvedAt;
        }
    }

    /** A resolution waiting for its fcrWindow to pass. */
    public static class PendingVerdict {
        public String conversationId;
        public long resolvedAt;
        public boolean candidate;
        /** The conversation was reopened or the customer opened another one: not final, FCR lost. */
        public boolean lost;
        public int contacts;
        public String channel;
        public String agent;
        public String queue;

        public PendingVerdict() {}
    }
}

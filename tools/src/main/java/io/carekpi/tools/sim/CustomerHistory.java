package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.LedgerField.*;

import io.carekpi.schema.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contacts the plan gave one customer, and the FCR facts that follow from them by the
 * definitions of SPEC section 2 (with {@code fcrWindow} inclusive, as docs/kpis.md says):
 *
 * <ul>
 *   <li>a conversation is a <em>repeat contact</em> when the customer opened it within fcrWindow
 *       after a resolution of another of their conversations;</li>
 *   <li>a resolution is an <em>FCR candidate</em> when its conversation had no transfer, escalation
 *       or reopen before it and is not a repeat contact;</li>
 *   <li>it is <em>lost</em> when, within fcrWindow after it, its conversation is reopened or the
 *       customer opens another conversation; else <em>confirmed</em> (candidates) and <em>final</em>
 *       (every resolution), with contacts to resolution = the customer's conversations opened in the
 *       fcrWindow before this one opened, plus one.</li>
 * </ul>
 * Outbound conversations (first event an agent message) are no customer contacts: they are not
 * recorded here. All FCR facts are booked at the resolution instant, on the conversation's channel.
 */
final class CustomerHistory {
    final String customerId;
    final List<Contact> contacts = new ArrayList<>();
    /** Every event instant of the customer's conversations: no two may coincide (see {@link #checkNoTies}). */
    final java.util.Set<Long> instants = new java.util.HashSet<>();

    CustomerHistory(String customerId) {
        this.customerId = customerId;
    }

    /** One inbound conversation of the customer, as planned. */
    static final class Contact {
        final String conversationId;
        final Channel channel;
        long openedAt = Long.MIN_VALUE;
        /** {resolvedAt, 1 if no transfer/escalation/reopen came before it else 0}. */
        final List<long[]> resolutions = new ArrayList<>();
        final List<Long> reopens = new ArrayList<>();

        Contact(String conversationId, Channel channel) {
            this.conversationId = conversationId;
            this.channel = channel;
        }
    }

    /** The first instant at or after {@code t} at which none of the customer's conversations has an event. */
    long free(long t) {
        while (instants.contains(t)) {
            t++;
        }
        return t;
    }

    Contact newContact(String conversationId, Channel channel) {
        Contact c = new Contact(conversationId, channel);
        contacts.add(c);
        return c;
    }

    /** Books the FCR facts of every resolution of this customer; counts verdicts in {@code stats}. */
    void bookFcr(long windowMs, ExpectedLedger.Builder ledger, Map<String, Long> stats) {
        checkNoTies();
        for (Contact c : contacts) {
            boolean repeat = false;
            int contactsBefore = 0;
            for (Contact o : contacts) {
                if (o == c) {
                    continue;
                }
                for (long[] r : o.resolutions) {
                    if (r[0] <= c.openedAt && c.openedAt - r[0] <= windowMs) {
                        repeat = true;
                    }
                }
                if (o.openedAt <= c.openedAt && c.openedAt - o.openedAt <= windowMs) {
                    contactsBefore++;
                }
            }
            for (long[] r : c.resolutions) {
                long at = r[0];
                boolean eligible = r[1] == 1;
                boolean reopened = false;
                for (long p : c.reopens) {
                    if (at <= p && p - at <= windowMs) {
                        reopened = true;
                    }
                }
                boolean newContact = false;
                for (Contact o : contacts) {
                    if (o != c && at <= o.openedAt && o.openedAt - at <= windowMs) {
                        newContact = true;
                    }
                }
                boolean lost = reopened || newContact;
                boolean candidate = eligible && !repeat;
                if (candidate) {
                    ledger.count(FCR_CANDIDATES, at, c.channel);
                    ledger.count(lost ? FCR_LOST : FCR_CONFIRMED, at, c.channel);
                }
                if (!lost) {
                    ledger.count(FINAL_RESOLUTIONS, at, c.channel);
                    ledger.add(CONTACTS_TO_RESOLUTION_SUM, at, c.channel, contactsBefore + 1L);
                }
                String verdict = (candidate ? "candidate" : repeat ? "repeatContact" : "notEligible")
                        + (reopened ? ".reopened" : "") + (newContact ? ".customerCameBack" : "")
                        + (lost ? ".lost" : ".final");
                stats.merge("fcr." + verdict, 1L, Long::sum);
                if (!lost && contactsBefore > 0) {
                    stats.merge("fcr.finalAfterSeveralContacts", 1L, Long::sum);
                }
            }
        }
    }

    /**
     * The engine orders a customer's signals at one millisecond by kind, then conversation id: the
     * plan never relies on that, so no two conversations of a customer share a signal instant.
     */
    private void checkNoTies() {
        Map<Long, String> at = new HashMap<>();
        for (Contact c : contacts) {
            List<Long> instants = new ArrayList<>();
            instants.add(c.openedAt);
            c.resolutions.forEach(r -> instants.add(r[0]));
            instants.addAll(c.reopens);
            for (long t : instants) {
                String other = at.putIfAbsent(t, c.conversationId);
                if (other != null && !other.equals(c.conversationId)) {
                    throw new IllegalStateException(customerId + ": " + other + " and " + c.conversationId
                            + " both signal at " + t);
                }
            }
        }
    }
}

package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import io.carekpi.tools.sim.ScenarioResult.Outcome;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What real sources do over days ({@link SimulationConfig#realWorldTimelines}), with the facts
 * they make certain (SPEC section 2, Memory; docs/kpis.md, "Conversation memory"):
 *
 * <ul>
 *   <li>tickets (e-mail, some messaging) reopened days after their resolution, beyond
 *       {@code fcrWindow}: the same conversation (no second opening, the same queue), the
 *       customer's message after the reopen a next response, the new resolution's time from the
 *       first opening, one reopen; the first resolution's FCR verdict is already given and stays;</li>
 *   <li>surveys up to a week after the conversation's last event, some without a channel (they
 *       count on the conversation's);</li>
 *   <li>surveys of conversations the simulated period never saw: they open nothing and count on
 *       their own channel, {@code UNKNOWN} without one;</li>
 *   <li>webhook re-deliveries hours later, and conflicting copies (same {@code eventId}, other
 *       content) of a conversation's event, both delivered after the original ({@link LateCopy}):
 *       duplicates, only the original counts.</li>
 * </ul>
 *
 * <p>Every decision is drawn from a random stream of its own, so the plans of the conversations
 * draw as without the timelines; a customer's next contacts come after the extended conversation,
 * so from there on a seed's traffic differs.
 */
final class Timelines {
    private static final long RETENTION_MS = SimulationConfig.CONVERSATION_RETENTION.toMillis();

    private final PlanningRun run;
    private final Draws draws;
    private final List<LateCopy> lateCopies = new ArrayList<>();
    private int unseenSeq;

    Timelines(PlanningRun run) {
        this.run = run;
        this.draws = new Draws(run.cfg.seed * 0x9E3779B97F4A7C15L + 0x7131E11E5L);
    }

    /** The copies planned so far, in plan order. */
    List<LateCopy> lateCopies() {
        return lateCopies;
    }

    /**
     * After an inbound conversation's plan, before it is finished: maybe reopened days later, maybe
     * surveyed up to a week later. Returns what became of it (the last resolution may be the new one).
     */
    ScenarioResult extend(ScenarioResult r) {
        ConversationBuilder b = r.conversation();
        b.allowQuietUpTo(RETENTION_MS - DAY); // the engine remembers it conversationRetention after its last event
        if (r.outcome() != Outcome.RESOLVED) {
            return r;
        }
        ScenarioResult after = maybeReopenedDaysLater(r);
        maybeSurveyedLate(b);
        return after;
    }

    private ScenarioResult maybeReopenedDaysLater(ScenarioResult r) {
        ConversationBuilder b = r.conversation();
        Channel ch = b.channel();
        double share = ch == Channel.EMAIL ? 0.15 : ch == Channel.VOICE ? 0 : 0.04;
        long longest = Math.min(18 * DAY, RETENTION_MS - run.fcrWindowMs - 2 * DAY);
        // a reply still pending would take the customer's message after the reopen (no new wait)
        if (!draws.chance(share) || longest <= HOUR || !b.hadAgentMessage() || b.replyPending()) {
            return r;
        }
        long after = Math.max(Math.max(b.latest(), b.latestForgottenWrapUpLimit()),
                r.lastResolution() + run.fcrWindowMs);
        long tp = b.free(after + draws.between(HOUR, longest));
        b.reopened(tp);
        long cm = draws.next(b, tp, SECOND, 5 * SECOND);
        b.customerMessage(cm); // no reply pending: a next-response wait
        String who = draws.pick(ch == Channel.EMAIL ? run.staff.emailAgents : run.staff.messagingAgents);
        long reply = draws.next(b, cm, 10 * MINUTE, 8 * HOUR);
        if (draws.chance(0.6)) {
            b.assigned(reply, who, null);
            reply = draws.next(b, reply, MINUTE, 20 * MINUTE);
        }
        b.agentMessage(reply, who, true);
        b.nextResponse(reply, reply - cm);
        long res = draws.next(b, reply, MINUTE, 3 * HOUR);
        b.resolved(res, draws.chance(0.7) ? who : null, false); // its time from the first opening
        if (draws.chance(0.6)) {
            b.closed(draws.next(b, res, HOUR, DAY));
        }
        run.count("timeline.reopenedAfterFcrWindow." + (ch == Channel.EMAIL ? "email" : "messaging"));
        return new ScenarioResult(b, r.scenario() + ".reopenedDaysLater", Outcome.RESOLVED, res);
    }

    /** A survey an hour to a week after the conversation's last event: 40 % without a channel. */
    private void maybeSurveyedLate(ConversationBuilder b) {
        if (!draws.chance(0.12)) {
            return;
        }
        long t = b.free(b.latest() + draws.between(HOUR, 7 * DAY));
        double u = draws.uniform();
        Channel on = u < 0.4 ? Channel.UNKNOWN
                : u < 0.85 || !run.cfg.channels.contains(Channel.EMAIL) ? b.channel() : Channel.EMAIL;
        new Surveys(run, b, draws).sendOne(t, on, null);
        run.count(on == Channel.UNKNOWN ? "timeline.lateSurvey.noChannel" : "timeline.lateSurvey");
    }

    /**
     * The day's surveys of conversations never seen (answered for a conversation before the
     * simulated period): 0.4 % of the day's first contacts, at least one; 40 % without a channel.
     */
    void surveysOfUnseenConversations(LocalDate day) {
        long n = run.cfg.conversationsPerDay == 0 ? 0 : Math.max(1, Math.round(run.cfg.conversationsPerDay * 0.004));
        for (long i = 0; i < n; i++) {
            Channel timing = draws.pick(run.cfg.channels);
            Channel on = draws.chance(0.4) ? Channel.UNKNOWN : timing;
            long t = draws.arrival(timing, day, run.cfg.zone);
            SurveyKind kind = draws.pick(Surveys.KINDS);
            Surveys scale = new Surveys(run, null, draws);
            Integer scaleMax = scale.scaleMax(kind);
            int score = scale.score(kind, scaleMax);
            String agent = draws.chance(0.3) ? draws.pick(run.staff.allAgents) : null;
            String queue = draws.chance(0.5) ? draws.pick(run.cfg.queues) : null;
            String id = String.format("survey-only-%06d", ++unseenSeq);
            run.emit(ConversationBuilder.surveyOfUnseenConversation(id, t, on, agent, queue, kind, score, scaleMax,
                    run.ledger));
            run.count(on == Channel.UNKNOWN ? "timeline.surveyOfUnseenConversation.noChannel"
                    : "timeline.surveyOfUnseenConversation");
        }
    }

    /**
     * After a conversation is finished: each of its events re-delivered hours later with a small
     * chance, and, for 3 % of conversations, a conflicting copy of a customer message or a survey.
     */
    void copies(ConversationBuilder b) {
        List<InteractionEvent> own = b.ownEvents();
        for (InteractionEvent e : own) {
            if (draws.chance(0.004)) {
                lateCopies.add(new LateCopy(e, e, Duration.ofMillis(draws.between(HOUR, 12 * HOUR))));
                run.count("timeline.redeliveredHoursLater");
            }
        }
        if (!draws.chance(0.03)) {
            return;
        }
        List<InteractionEvent> candidates = own.stream().filter(e -> e.getType() == EventType.CUSTOMER_MESSAGE
                || e.getType() == EventType.SURVEY_RESPONSE).toList();
        if (!candidates.isEmpty()) {
            InteractionEvent e = draws.pick(candidates);
            lateCopies.add(new LateCopy(e, conflicting(e), Duration.ofMillis(draws.between(SECOND, 2 * HOUR))));
            run.count("timeline.conflictingCopy." + e.getType());
        }
    }

    /**
     * Another content under the same id, which would change the ledger if it counted: a customer
     * message that says it is a bot's, a little later; a survey with another (valid) score.
     */
    private InteractionEvent conflicting(InteractionEvent e) {
        InteractionEvent.Builder copy = InteractionEvent.newBuilder(e);
        if (e.getType() == EventType.CUSTOMER_MESSAGE) {
            return copy.setType(EventType.BOT_MESSAGE)
                    .setOccurredAt(e.getOccurredAt().plusMillis(draws.between(1, 3 * SECOND))).build();
        }
        Survey s = e.getSurvey();
        int max = s.getScaleMax() != null ? s.getScaleMax() : Surveys.defaultScaleMax(s.getKind());
        int score = s.getKind() == SurveyKind.NPS ? (s.getScore() + 1) % 11 : s.getScore() % max + 1;
        return copy.setSurvey(new Survey(s.getKind(), score, s.getScaleMax())).build();
    }
}

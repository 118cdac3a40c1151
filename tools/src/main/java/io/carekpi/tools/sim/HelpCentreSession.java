package io.carekpi.tools.sim;

import static io.carekpi.tools.sim.Millis.*;

import io.carekpi.schema.Channel;
import java.time.Instant;

/** A help-centre session: 1-8 article reads, each after the previous one's dwell time; 40 % by a known visitor. */
final class HelpCentreSession {
    private HelpCentreSession() {}

    static void plan(PlanningRun run, Channel ch, long start) {
        Draws draws = run.draws;
        int number = run.nextSessionNumber();
        String session = String.format("kb-%06d", number);
        String customer = draws.chance(0.4) ? String.format("visitor-%06d", number) : null;
        int views = 1 + draws.geometric(0.45, 7);
        long t = start;
        for (int i = 1; i <= views; i++) {
            long dwell = draws.logNormal(MINUTE, 1.0, 2 * SECOND, 15 * MINUTE);
            String article = String.format("kb-article-%03d", draws.between(1, 400));
            run.emit(ConversationBuilder.articleViewed(session, i, t, ch, customer, article, dwell, run.ledger));
            t += dwell + draws.between(SECOND, 20 * SECOND);
        }
        run.count("scenario.selfService.session");
        run.count("selfService.articles", views);
        run.recordSession(new PlannedConversation(session, ch, customer, "selfService.session", false, 0,
                Instant.ofEpochMilli(start), views));
    }
}

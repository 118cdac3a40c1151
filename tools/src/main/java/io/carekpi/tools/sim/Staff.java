package io.carekpi.tools.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The agents of a simulation: ids {@code agent-001} on; the first tenth are supervisors (escalation
 * targets), the rest split by skill into voice (40 %), messaging (35 %) and e-mail agents. A skill
 * group left empty (few agents) takes all non-supervisors.
 */
final class Staff {
    final List<String> allAgents = new ArrayList<>();
    final List<String> supervisors = new ArrayList<>();
    final List<String> voiceAgents = new ArrayList<>();
    final List<String> messagingAgents = new ArrayList<>();
    final List<String> emailAgents = new ArrayList<>();
    private final Draws draws;

    Staff(int agents, Draws draws) {
        this.draws = draws;
        for (int i = 1; i <= agents; i++) {
            allAgents.add(String.format("agent-%03d", i));
        }
        int sup = Math.max(1, agents / 10);
        supervisors.addAll(allAgents.subList(0, sup));
        List<String> rest = agents > sup ? allAgents.subList(sup, agents) : allAgents;
        int n = rest.size();
        int voice = Math.max(1, (int) Math.ceil(n * 0.4));
        int messaging = Math.max(1, (int) Math.ceil(n * 0.35));
        for (int i = 0; i < n; i++) {
            (i < voice ? voiceAgents : i < voice + messaging ? messagingAgents : emailAgents).add(rest.get(i));
        }
        for (List<String> group : List.of(voiceAgents, messagingAgents, emailAgents)) {
            if (group.isEmpty()) {
                group.addAll(rest);
            }
        }
    }

    /** A random member of {@code group} other than {@code not}, or of all agents; null with a single agent. */
    String pickOther(List<String> group, String not) {
        List<String> options = new ArrayList<>(group);
        options.remove(not);
        if (options.isEmpty()) {
            options = new ArrayList<>(allAgents);
            options.remove(not);
        }
        return options.isEmpty() ? null : draws.pick(options);
    }
}

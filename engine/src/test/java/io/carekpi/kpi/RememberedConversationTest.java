package io.carekpi.kpi;

import static io.carekpi.kpi.conversation.Conversation.NONE;
import static io.carekpi.schema.Channel.EMAIL;
import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.RunningSlaClock;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.SurveyKind;
import io.carekpi.testing.ConversationScript;
import io.carekpi.testing.RecordingOutput;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RememberedConversationTest {
    /** Parts a settled conversation has nothing in (see {@link RememberedConversation#isSettled}). */
    private static final List<String> EMPTY_WHEN_SETTLED = List.of("segment.agent", "segment.startedAt",
            "segment.holdStart", "segment.holdMs", "segment.holds", "gauge.since", "sla.running", "wrapUps.open");
    /** Read only while a wait is reported: not kept. */
    private static final List<String> NOT_KEPT = List.of("gauge.channel", "gauge.queue");

    /**
     * Every field of the conversation and its parts, found by reflection (so a field added later
     * and forgotten by the compact form fails here), set to random values, including extremes and
     * "not yet", survives the compact form.
     */
    @Test
    void everyFieldOfASettledConversationSurvivesTheCompactForm() throws Exception {
        Random random = new Random(20261130L);
        for (int run = 0; run < 2_000; run++) {
            Conversation s = new Conversation();
            randomize(s, "", random);
            s.resolution.closed = random.nextBoolean();
            s.resolution.resolvedNow = !s.resolution.closed || random.nextBoolean();
            SeenEvents seen = null;
            if (random.nextInt(4) > 0) {
                seen = new SeenEvents();
                int n = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
                for (int i = 0; i < n; i++) {
                    seen.add(random.nextLong(), randomLong(random));
                }
            }
            assertThat(RememberedConversation.isSettled(s)).isTrue();

            RememberedConversation back = RememberedConversation.decode(s.conversationId,
                    RememberedConversation.encode(s, seen));

            assertThat(back.conversation).usingRecursiveComparison().ignoringFields(NOT_KEPT.toArray(String[]::new))
                    .isEqualTo(s);
            if (seen == null) {
                assertThat(back.seen).isNull();
            } else {
                assertThat(back.seen.size).isEqualTo(seen.size);
                assertThat(back.seen.until).isEqualTo(seen.until);
                assertThat(Arrays.copyOf(back.seen.hashes, back.seen.size))
                        .containsExactly(Arrays.copyOf(seen.hashes, seen.size));
            }
        }
    }

    @Test
    void aTypicalResolvedConversationTakesAboutSeventyBytesPlusItsIds() {
        ConversationTracker tracker = new ConversationTracker(EngineConfig.defaults());
        Conversation s = new Conversation();
        SeenEvents seen = new SeenEvents();
        RecordingOutput out = new RecordingOutput();
        ConversationScript script = conversation("9f1c2d4e-6a7b-4c8d-9e0f-123456789abc", EMAIL).customer("cust-000123")
                .queue("billing").at(0).opened().at(30).customerMessage().at(95).assigned("agent-042")
                .at(100).agentMessage("agent-042").at(400).customerMessage().at(700).agentMessage("agent-042")
                .at(900).resolved("agent-042").at(960).closed().at(86_400).survey(SurveyKind.CSAT, 5, 5, null);
        for (InteractionEvent e : script.events()) {
            tracker.advanceTo(s, e.getOccurredAt().toEpochMilli(), out);
            tracker.onEvent(s, e, out);
            seen.add(SeenEvents.hash(e.getEventId()), e.getOccurredAt().toEpochMilli() + 30L * 86_400_000);
        }
        tracker.advanceTo(s, s.lastEventAt, out);
        assertThat(RememberedConversation.isSettled(s)).isTrue();

        byte[] compact = RememberedConversation.encode(s, seen);

        assertThat(compact.length - 8 * seen.size).as("bytes besides the 9 ids").isBetween(30, 80);
    }

    @Test
    void onlyASettledConversationHasACompactForm() {
        Conversation open = new Conversation();
        open.conversationId = "c1";
        open.openedAt = 1L;
        assertThat(RememberedConversation.isSettled(open)).as("not resolved or closed").isFalse();
        assertThatThrownBy(() -> RememberedConversation.encode(open, null)).isInstanceOf(IllegalArgumentException.class);

        open.resolution.closed = true;
        assertThat(RememberedConversation.isSettled(open)).isTrue();
        open.sla.running.add(new RunningSlaClock());
        assertThat(RememberedConversation.isSettled(open)).as("a clock running").isFalse();
        open.sla.running.clear();
        open.wrapUps.start("alice", 5L);
        assertThat(RememberedConversation.isSettled(open)).as("a wrap-up open").isFalse();
        open.wrapUps.endAll();
        open.segment.start("alice", 5L);
        assertThat(RememberedConversation.isSettled(open)).as("a segment open").isFalse();
        open.segment.end(6L);
        open.gauge.told(7L, "EMAIL", "q");
        assertThat(RememberedConversation.isSettled(open)).as("a wait reported").isFalse();
    }

    @Test
    void aCorruptOrNewerLayoutIsAClearError() {
        assertThatThrownBy(() -> RememberedConversation.decode("c1", new byte[] {9}))
                .hasMessageContaining("c1").hasMessageContaining("version 9");
        Conversation s = new Conversation();
        s.conversationId = "c1";
        s.openedAt = 1L;
        s.resolution.closed = true;
        byte[] bytes = RememberedConversation.encode(s, null);
        assertThatThrownBy(() -> RememberedConversation.decode("c1", Arrays.copyOf(bytes, bytes.length - 1)))
                .hasMessageContaining("ends early");
        assertThatThrownBy(() -> RememberedConversation.decode("c1", Arrays.copyOf(bytes, bytes.length + 1)))
                .hasMessageContaining("unread");
    }

    private static void randomize(Object target, String path, Random random) throws Exception {
        for (Field f : target.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            String name = path + f.getName();
            Class<?> t = f.getType();
            if (EMPTY_WHEN_SETTLED.contains(name)) {
                continue;
            }
            if (t == String.class) {
                f.set(target, randomText(random));
            } else if (t == long.class) {
                f.setLong(target, name.equals("openedAt") ? randomNotNone(random) : randomLong(random));
            } else if (t == int.class) {
                f.setInt(target, random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(50));
            } else if (t == boolean.class) {
                f.setBoolean(target, random.nextBoolean());
            } else if (t.getPackageName().equals(Conversation.class.getPackageName())) {
                randomize(f.get(target), name + ".", random);
            } else {
                throw new AssertionError("no random value for " + name + " of " + t);
            }
        }
    }

    private static long randomLong(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> NONE;
            case 1 -> random.nextLong();
            case 2 -> Long.MAX_VALUE - random.nextInt(3);
            case 3 -> NONE + 1 + random.nextInt(3);
            default -> 1_764_000_000_000L + random.nextInt(1_000_000_000);
        };
    }

    private static long randomNotNone(Random random) {
        long v = randomLong(random);
        return v == NONE ? 0 : v;
    }

    private static String randomText(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "ü-" + random.nextInt() + "-\uD83D\uDE00";
            case 3 -> List.of("EMAIL", "VOICE", "APP", "UNKNOWN", "FAX").get(random.nextInt(5));
            default -> Long.toHexString(random.nextLong());
        };
    }
}

package io.carekpi.kpi;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.kpi.conversation.Conversation;
import io.carekpi.kpi.conversation.RunningSlaClock;
import io.carekpi.kpi.conversation.WrapUps;
import io.carekpi.schema.SlaClock;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every field of the v1 layout lands where the current layout keeps it. The v1 fields are found by
 * reflection, so a field the conversion forgets keeps its default in the current layout and fails here.
 */
@SuppressWarnings("deprecation")
class ConversationMigrationTest {
    /** Where each v1 field lands (the lists are checked element by element below). */
    private static final Map<String, Function<Conversation, Object>> LANDS_IN = Map.ofEntries(
            entry("conversationId", c -> c.conversationId),
            entry("customerId", c -> c.customerId),
            entry("channel", c -> c.channel),
            entry("queue", c -> c.queue),
            entry("openedAt", c -> c.openedAt),
            entry("outbound", c -> c.outbound),
            entry("customerSignalled", c -> c.customerSignalled),
            entry("lastEventAt", c -> c.lastEventAt),
            entry("customerWaitStart", c -> c.responses.customerWaitStart),
            entry("firstResponseMs", c -> c.responses.firstResponseMs),
            entry("botFirstResponseMs", c -> c.responses.botFirstResponseMs),
            entry("nrtPendingSince", c -> c.responses.nrtPendingSince),
            entry("customerMessages", c -> c.responses.customerMessages),
            entry("agentMessages", c -> c.responses.agentMessages),
            entry("botMessages", c -> c.responses.botMessages),
            entry("transfers", c -> c.resolution.transfers),
            entry("escalations", c -> c.resolution.escalations),
            entry("reopens", c -> c.resolution.reopens),
            entry("resolutions", c -> c.resolution.resolutions),
            entry("lastResolutionMs", c -> c.resolution.lastResolutionMs),
            entry("resolvedNow", c -> c.resolution.resolvedNow),
            entry("closed", c -> c.resolution.closed),
            entry("abandoned", c -> c.resolution.abandoned),
            entry("botContained", c -> c.resolution.botContained),
            entry("deflected", c -> c.resolution.deflected),
            entry("fcrDisqualified", c -> c.resolution.fcrDisqualified),
            entry("segmentAgent", c -> c.segment.agent),
            entry("segmentStart", c -> c.segment.startedAt),
            entry("holdStart", c -> c.segment.holdStart),
            entry("segmentHoldMs", c -> c.segment.holdMs),
            entry("segmentHolds", c -> c.segment.holds),
            entry("lastHolder", c -> c.segment.lastHolder),
            entry("firstResponseClocks", c -> c.sla.firstResponseClocks),
            entry("nextResponseClocks", c -> c.sla.nextResponseClocks),
            entry("resolutionClocks", c -> c.sla.resolutionClocks),
            entry("gaugeSince", c -> c.gauge.since),
            entry("gaugeChannel", c -> c.gauge.channel),
            entry("gaugeQueue", c -> c.gauge.queue),
            entry("handledSegments", c -> c.handling.handledSegments),
            entry("talkMs", c -> c.handling.talkMs),
            entry("holdMs", c -> c.handling.holdMs),
            entry("wrapUpMs", c -> c.handling.wrapUpMs),
            entry("summaries", c -> c.summaries));
    private static final List<String> LISTS = List.of("wrapUps", "clocks");

    private static List<Field> fields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
    }

    /** A value of the field's type unlike any other field's ({@code n} distinct per field); booleans apart. */
    private static Object distinct(Field f, int n) {
        Class<?> t = f.getType();
        if (t == String.class) {
            return f.getName() + "-" + n;
        }
        if (t == long.class) {
            return 1_000_000L + n;
        }
        if (t == int.class) {
            return 1_000 + n;
        }
        if (t == SlaClock.class) {
            return SlaClock.values()[n % SlaClock.values().length];
        }
        throw new AssertionError("no distinct value for " + f);
    }

    @Test
    void shouldKnowWhereEveryV1FieldLands() {
        List<String> v1 = new ArrayList<>(fields(ConversationState.class).stream().map(Field::getName).toList());
        v1.removeAll(LISTS);
        assertThat(LANDS_IN.keySet()).containsExactlyInAnyOrderElementsOf(v1);
        assertThat(Conversation.NONE).as("the same 'not yet'").isEqualTo(ConversationState.NONE);
    }

    @Test
    void shouldCarryEveryV1ValueIntoItsPart() throws Exception {
        ConversationState v1 = new ConversationState();
        int n = 0;
        for (Field f : fields(ConversationState.class)) {
            if (f.getType() != boolean.class && !LISTS.contains(f.getName())) {
                f.set(v1, distinct(f, n++));
            }
        }
        Conversation current = ConversationMigration.fromV1(v1);
        for (Field f : fields(ConversationState.class)) {
            if (f.getType() != boolean.class && !LISTS.contains(f.getName())) {
                assertThat(LANDS_IN.get(f.getName()).apply(current)).as(f.getName()).isEqualTo(f.get(v1));
            }
        }
    }

    @Test
    void shouldCarryEachV1FlagIntoItsOwnPlace() throws Exception {
        List<Field> flags = fields(ConversationState.class).stream().filter(f -> f.getType() == boolean.class).toList();
        assertThat(flags).hasSizeGreaterThan(5);
        for (Field set : flags) {
            ConversationState v1 = new ConversationState();
            set.setBoolean(v1, true);
            Conversation current = ConversationMigration.fromV1(v1);
            for (Field f : flags) {
                assertThat(LANDS_IN.get(f.getName()).apply(current)).as(f.getName() + " when only " + set.getName() + " is set")
                        .isEqualTo(f == set);
            }
        }
    }

    @Test
    void shouldCarryTheOpenWrapUpsInTheirOrder() throws Exception {
        ConversationState v1 = new ConversationState();
        int n = 0;
        for (int i = 0; i < 2; i++) {
            ConversationState.OpenWrapUp w = new ConversationState.OpenWrapUp();
            for (Field f : fields(ConversationState.OpenWrapUp.class)) {
                f.set(w, distinct(f, n++));
            }
            v1.wrapUps.add(w);
        }
        List<WrapUps.OpenWrapUp> open = ConversationMigration.fromV1(v1).wrapUps.open;
        assertThat(open).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertSameFields(v1.wrapUps.get(i), open.get(i));
        }
    }

    @Test
    void shouldCarryTheRunningClocksInTheirOrderWithEveryField() throws Exception {
        ConversationState v1 = new ConversationState();
        int n = 0;
        for (int i = 0; i < 2; i++) {
            SlaClockState c = new SlaClockState();
            for (Field f : fields(SlaClockState.class)) {
                f.set(c, f.getType() == boolean.class ? (Object) (n++ % 2 == i) : distinct(f, n++));
            }
            v1.clocks.add(c);
        }
        List<RunningSlaClock> running = ConversationMigration.fromV1(v1).sla.running;
        assertThat(running).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertSameFields(v1.clocks.get(i), running.get(i));
        }
        assertThat(running.get(0).warned).isNotEqualTo(running.get(0).breached);
    }

    /** Every field of {@code v1} has a field of the same name and value in {@code current}. */
    private static void assertSameFields(Object v1, Object current) throws Exception {
        List<Field> old = fields(v1.getClass());
        assertThat(fields(current.getClass())).extracting(Field::getName)
                .containsExactlyInAnyOrderElementsOf(old.stream().map(Field::getName).toList());
        for (Field f : old) {
            assertThat(current.getClass().getField(f.getName()).get(current)).as(f.getName()).isEqualTo(f.get(v1));
        }
    }
}

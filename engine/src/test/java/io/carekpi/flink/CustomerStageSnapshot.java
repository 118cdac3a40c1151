package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.KpiFact;
import io.carekpi.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * The customer stage's state midway through a few customers' contacts, kept as a file: ledgers
 * with openings, resolutions and pending FCR verdicts, a remembered (compact) ledger, and the
 * verdict timers, with the serializer snapshots: a savepoint in Flink's canonical format, which
 * either state backend restores.
 *
 * <p>{@link #main} writes it with the classes of the current build. The committed file
 * ({@link #V1}) was written by the builds that stored a ledger with Flink's POJO serializer (up to
 * 2026-11-30) and must keep restoring into every later build ({@code CustomerStateUpgradeTest}):
 * regenerate only for a new released layout, never to make a failing restore pass.
 */
final class CustomerStageSnapshot {
    /** Written by a build whose ledger state was serialized by Flink's POJO serializer. */
    static final Path V1 = Path.of("src/test/resources/state/customer-stage-v1.snapshot");

    private static final long H = Duration.ofHours(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** 2026-03-02T00:00Z: the signals' day. */
    private static final long BASE = 1_772_409_600_000L;

    /** The watermark when the snapshot is taken: some verdicts are due, others pending. */
    static final long MIDWAY = BASE + 4 * DAY;

    private CustomerStageSnapshot() {}

    static EngineConfig config() throws Exception {
        return EngineConfig.load(Repository.path("jobs/kpi-engine/config.yaml"));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new MigratingKeyedProcessOperator<>(new CustomerFunction(config())),
                s -> s.customerId, StringKeySerializer.TYPE, 128, 1, 0);
    }

    /**
     * Every signal, in event-time order: a first contact resolution, a repeat contact, a reopened
     * ticket, a customer with many contacts (openings, resolutions and verdicts that outlive the
     * snapshot) and one remembered in compact form by then.
     */
    static List<CustomerSignal> signals() {
        List<CustomerSignal> all = new ArrayList<>();
        // u-1: resolved on first contact; the verdict comes after the snapshot
        all.add(CustomerSignal.opened(BASE + 3 * DAY, "u-1", "c-1", BASE + 3 * DAY));
        all.add(CustomerSignal.resolved(BASE + 3 * DAY + H, "u-1", "c-1", BASE + 3 * DAY, true, "WEB_CHAT",
                "alice", "billing"));
        // u-2: a repeat contact within fcrWindow, then the first ticket reopened after the snapshot
        all.add(CustomerSignal.opened(BASE + 2 * DAY, "u-2", "c-2", BASE + 2 * DAY));
        all.add(CustomerSignal.resolved(BASE + 2 * DAY + 2 * H, "u-2", "c-2", BASE + 2 * DAY, true, "WHATSAPP",
                "bob", "vip"));
        all.add(CustomerSignal.opened(BASE + 3 * DAY + 5 * H, "u-2", "c-3", BASE + 3 * DAY + 5 * H));
        all.add(CustomerSignal.resolved(BASE + 3 * DAY + 6 * H, "u-2", "c-3", BASE + 3 * DAY + 5 * H, true,
                "WHATSAPP", "carol", null));
        all.add(CustomerSignal.reopened(BASE + 4 * DAY + 2 * H, "u-2", "c-2", BASE + 2 * DAY));
        all.add(CustomerSignal.resolved(BASE + 4 * DAY + 3 * H, "u-2", "c-2", BASE + 2 * DAY, false, "WHATSAPP",
                "bob", "vip"));
        // u-3: settled before the snapshot (kept in compact form), back weeks later with the same ticket
        all.add(CustomerSignal.opened(BASE, "u-3", "c-4", BASE));
        all.add(CustomerSignal.resolved(BASE + H, "u-3", "c-4", BASE, true, "EMAIL", "dave", "back-office"));
        all.add(CustomerSignal.reopened(BASE + 20 * DAY, "u-3", "c-4", BASE));
        all.add(CustomerSignal.resolved(BASE + 20 * DAY + H, "u-3", "c-4", BASE, false, "EMAIL", "erin", null));
        // u-4: many contacts, some before the snapshot, some after
        for (int i = 0; i < 6; i++) {
            long opened = BASE + 2 * DAY + i * 8 * H;
            all.add(CustomerSignal.opened(opened, "u-4", "c-4-" + i, opened));
            all.add(CustomerSignal.resolved(opened + H, "u-4", "c-4-" + i, opened, i % 2 == 0, "SMS", "agent-" + i,
                    "q" + (i % 3)));
        }
        all.sort(Comparator.comparingLong(s -> s.at));
        return all;
    }

    /** The signals that arrived before the snapshot: those at or before the watermark. */
    static List<CustomerSignal> before() {
        return signals().stream().filter(s -> s.at <= MIDWAY).toList();
    }

    static List<CustomerSignal> after() {
        return signals().stream().filter(s -> s.at > MIDWAY).toList();
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, CustomerSignal, KpiFact> h,
                     List<CustomerSignal> signals) throws Exception {
        for (CustomerSignal s : signals) {
            h.processElement(new StreamRecord<>(s, s.at));
        }
    }

    /** Writes the snapshot (to {@code args[0]}, else {@link #V1}) with the classes of this build. */
    public static void main(String[] args) throws Exception {
        Path out = args.length > 0 ? Path.of(args[0]) : V1;
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (var h = harness()) {
            h.open();
            feed(h, before());
            h.processWatermark(MIDWAY);
            OperatorSubtaskState state = h.snapshotWithLocalState(1L, 1L,
                    SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState();
            OperatorSnapshotUtil.writeStateHandle(state, out.toString());
        }
        System.out.println("wrote " + out);
    }
}

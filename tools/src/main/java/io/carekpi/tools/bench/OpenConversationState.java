package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.Decoded;
import java.time.Duration;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * State per open conversation: the live topology opens {@code n} conversations (one first
 * customer message each, stamped with the wall clock, spread over the channels and queues of the
 * simulator, one customer each) that are never answered nor closed, waits until the job's live
 * gauges count all {@code n} waiting, then takes a full checkpoint and reports its size
 * ({@link StateCheckpoint}).
 */
public final class OpenConversationState {
    private OpenConversationState() {}

    static StateCheckpoint.Result measure(EngineConfig config, long n, String backend, int parallelism)
            throws Exception {
        return measure(config, n, backend, parallelism, Duration.ofMinutes(10));
    }

    /** As above, giving up after {@code timeout} if the gauges never count the {@code n} conversations waiting. */
    static StateCheckpoint.Result measure(EngineConfig config, long n, String backend, int parallelism,
                                          Duration timeout) throws Exception {
        return StateCheckpoint.measure(config, scenario(n, 0), "open conversations " + n, backend, parallelism, timeout);
    }

    /**
     * An incremental checkpoint on RocksDB: {@code n} conversations open and wait, a first checkpoint
     * (incremental checkpoints on: it uploads every file, as the first one after a start does), then
     * {@code answered} of them, spread over all, get their first agent message (their conversation,
     * gauge, SLA clock and window state change) and, once the gauges count them answered, a second
     * incremental checkpoint, which uploads only the files written since the first.
     *
     * @param first the first checkpoint (everything)
     * @param second the incremental one after the answers: {@code checkpointedSize} is what it
     *     uploaded, {@code stateSize} the whole state it stands for
     */
    record Incremental(long conversations, long answered, int parallelism, long setupMillis,
                       FlinkRest.Checkpoint first, long answersMillis, FlinkRest.Checkpoint second) {}

    static Incremental measureIncremental(EngineConfig config, long n, long answered, int parallelism,
                                          Duration timeout) throws Exception {
        String name = "incremental checkpoint, open conversations " + n;
        try (StateCheckpoint.Running run = StateCheckpoint.start(config, scenario(n, answered), name, "rocksdb",
                parallelism, true)) {
            long setupMillis = run.awaitReady(scenario(n, 0), name, timeout);
            FlinkRest.Checkpoint first = run.rest.checkpoint(run.job.getJobID(), "CONFIGURED", Duration.ofMinutes(10));
            long t0 = System.nanoTime();
            StateCheckpoint.allow(n + answered);
            run.awaitReady(scenario(n, answered), name, timeout);
            long answersMillis = (System.nanoTime() - t0) / 1_000_000;
            FlinkRest.Checkpoint second = run.rest.checkpoint(run.job.getJobID(), "CONFIGURED", Duration.ofMinutes(10));
            return new Incremental(n, answered, parallelism, setupMillis, first, answersMillis, second);
        }
    }

    /**
     * Events 0 to n-1 open the conversations; the {@code answered} after them (released separately,
     * see {@link StateCheckpoint#allow}) answer every (n / answered)-th; ready when the gauges count
     * n - answered waiting.
     */
    private static StateCheckpoint.Scenario scenario(long n, long answered) {
        long step = answered == 0 ? 1 : Math.max(1, n / answered);
        return new StateCheckpoint.Scenario(n, n) {
            @Override
            GeneratorFunction<Long, Decoded> generator() {
                return i -> i < n ? opening(i) : answer((i - n) * step, i);
            }

            @Override
            boolean ready() {
                return StateCheckpoint.waiting() == n - answered;
            }

            @Override
            String progress() {
                return "gauges count " + StateCheckpoint.waiting() + " waiting conversations, expected " + (n - answered);
            }
        };
    }

    /** The i-th conversation's first event: a customer message on a channel and queue, now. */
    private static Decoded opening(long i) {
        return StateCheckpoint.decode("{\"eventId\":\"o" + i + "\",\"occurredAt\":" + System.currentTimeMillis()
                + ",\"conversationId\":\"open-" + i + "\",\"customerId\":\"cust-" + i + "\",\"channel\":\""
                + StateCheckpoint.channel(i) + "\",\"queue\":\"" + StateCheckpoint.queue(i)
                + "\",\"type\":\"CUSTOMER_MESSAGE\"}", i);
    }

    /** The first agent message of conversation {@code i}, now (event {@code position} of the source). */
    private static Decoded answer(long i, long position) {
        return StateCheckpoint.decode("{\"eventId\":\"a" + i + "\",\"occurredAt\":" + System.currentTimeMillis()
                + ",\"conversationId\":\"open-" + i + "\",\"agentId\":\"agent-" + (i % 50) + "\",\"channel\":\""
                + StateCheckpoint.channel(i) + "\",\"queue\":\"" + StateCheckpoint.queue(i)
                + "\",\"type\":\"AGENT_MESSAGE\"}", position);
    }
}

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
        return StateCheckpoint.measure(config, new StateCheckpoint.Scenario(n, n) {
            @Override
            GeneratorFunction<Long, Decoded> generator() {
                return OpenConversationState::opening;
            }

            @Override
            boolean ready() {
                return StateCheckpoint.waiting() == n;
            }

            @Override
            String progress() {
                return "gauges count " + StateCheckpoint.waiting() + " waiting conversations, expected " + n;
            }
        }, "open conversations " + n, backend, parallelism, timeout);
    }

    /** The i-th conversation's first event: a customer message on a channel and queue, now. */
    private static Decoded opening(long i) {
        return StateCheckpoint.decode("{\"eventId\":\"o" + i + "\",\"occurredAt\":" + System.currentTimeMillis()
                + ",\"conversationId\":\"open-" + i + "\",\"customerId\":\"cust-" + i + "\",\"channel\":\""
                + StateCheckpoint.channel(i) + "\",\"queue\":\"" + StateCheckpoint.queue(i)
                + "\",\"type\":\"CUSTOMER_MESSAGE\"}", i);
    }
}

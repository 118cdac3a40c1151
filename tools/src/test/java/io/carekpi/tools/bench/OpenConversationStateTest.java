package io.carekpi.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.config.EngineConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The open-conversation state benchmark on a few conversations: it must see its N conversations
 * waiting in the live gauges (each channel's all-queue reading, summed) and take its checkpoint.
 * The all-channel gauge counts every conversation once more; summed in, the benchmark would wait
 * for a count it never sees.
 */
class OpenConversationStateTest {
    @Test
    void measuresTheStateOnceTheGaugesCountEveryConversationWaiting() throws Exception {
        StateCheckpoint.Result r = OpenConversationState.measure(EngineConfig.defaults(), 20, "hashmap", 1,
                Duration.ofMinutes(2));
        assertThat(r.conversations()).isEqualTo(20);
        assertThat(StateCheckpoint.waiting()).isEqualTo(20);
        assertThat(r.checkpoint().stateSize()).isPositive();
    }
}

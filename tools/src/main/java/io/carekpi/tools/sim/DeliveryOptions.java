package io.carekpi.tools.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How simulated events arrive ({@link Delivery}).
 *
 * @param seed randomness of the arrival order, duplicates and invalid lines (independent of the plan's)
 * @param maxDisorder each event (and each re-sent copy) arrives up to this long after its
 *     {@code occurredAt}, so an event can arrive after later events, by at most this much; keep it
 *     below the engine's {@code outOfOrderness} (5 s by default) so that nothing is late in live mode
 * @param duplicateFraction fraction of events sent twice (exact copies, same {@code eventId})
 * @param invalidLines number of invalid lines mixed in (JSON Lines only): malformed JSON,
 *     {@code CONVERSATION_OPENED} without {@code customerId}, survey score outside its scale
 */
public record DeliveryOptions(long seed, Duration maxDisorder, double duplicateFraction, int invalidLines) {
    public DeliveryOptions {
        Objects.requireNonNull(maxDisorder, "maxDisorder");
        if (maxDisorder.isNegative()) {
            throw new IllegalArgumentException("maxDisorder must not be negative");
        }
        if (duplicateFraction < 0 || duplicateFraction > 1) {
            throw new IllegalArgumentException("duplicateFraction must be in [0, 1]");
        }
        if (invalidLines < 0) {
            throw new IllegalArgumentException("invalidLines must not be negative");
        }
    }

    /** Event-time order, no duplicates, no invalid lines. */
    public static DeliveryOptions inOrder() {
        return new DeliveryOptions(0, Duration.ZERO, 0, 0);
    }

    /** Up to 3 s of disorder, 2 % duplicates, 30 invalid lines. */
    public static DeliveryOptions realistic(long seed) {
        return new DeliveryOptions(seed, Duration.ofSeconds(3), 0.02, 30);
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one seeded source of every random decision of a simulation run, and the shapes drawn from it.
 *
 * <p>Each method draws a fixed number of values in a fixed order, so a plan that makes the same
 * calls in the same order gives the same traffic. Changing the order or the number of draws
 * anywhere (even one {@code chance} evaluated or skipped differently) changes every later event.
 */
final class Draws {
    private final SplittableRandom rnd;

    Draws(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** True with probability {@code p} (one draw). */
    boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    /** Uniform in [0, 1) (one draw): for a decision among several shares. */
    double uniform() {
        return rnd.nextDouble();
    }

    /** Uniform in [0, bound) (one draw). */
    int below(int bound) {
        return rnd.nextInt(bound);
    }

    /** Uniform in [lo, hi) (one draw, none when the range is empty: then {@code lo}). */
    long between(long lo, long hi) {
        return hi <= lo ? lo : lo + rnd.nextLong(hi - lo);
    }

    /** {@code t} plus a uniform gap in [lo, hi), moved to a free millisecond of the conversation. */
    long next(ConversationBuilder b, long t, long lo, long hi) {
        return b.free(t + Math.max(1, between(lo, hi)));
    }

    <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    /** Log-normal with the given median and shape, clamped to [lo, hi] (two draws). */
    long logNormal(long median, double sigma, long lo, long hi) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        long v = Math.round(median * Math.exp(sigma * gaussian));
        return Math.max(lo, Math.min(hi, v));
    }

    /** Number of successes before a failure with continuation probability {@code p}, at most {@code max}. */
    int geometric(double p, int max) {
        int n = 0;
        while (n < max && chance(p)) {
            n++;
        }
        return n;
    }

    /** A score in [lo, hi], most often near {@code hi} (one draw). */
    int skewHigh(int lo, int hi) {
        double u = rnd.nextDouble();
        return Math.max(lo, hi - (int) Math.floor((hi - lo + 1) * u * u));
    }

    /** A score in [lo, hi], most often near {@code lo} (one draw). */
    int skewLow(int lo, int hi) {
        double u = rnd.nextDouble();
        return Math.min(hi, lo + (int) Math.floor((hi - lo + 1) * u * u));
    }

    /** An arrival instant on {@code channel} during local {@code day}: see {@link DiurnalCurve}. */
    long arrival(Channel channel, LocalDate day, ZoneId zone) {
        return DiurnalCurve.sample(channel, day, zone, rnd);
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.SplittableRandom;

/**
 * Relative arrival rates per local hour of the day: calls follow office hours with a morning
 * peak, messaging has a second evening peak, e-mail is flatter, help-centre reads follow
 * messaging. Arrival instants are drawn hour by weight, then uniformly within the hour.
 */
final class DiurnalCurve {
    private static final double[] VOICE = {
        0.10, 0.06, 0.05, 0.05, 0.06, 0.15, 0.45, 1.20, 2.60, 3.40, 3.60, 3.30,
        2.70, 3.00, 3.20, 3.00, 2.60, 2.00, 1.30, 0.80, 0.50, 0.35, 0.25, 0.15};
    private static final double[] MESSAGING = {
        0.35, 0.20, 0.12, 0.10, 0.12, 0.25, 0.60, 1.20, 1.90, 2.40, 2.60, 2.70,
        2.80, 2.70, 2.60, 2.50, 2.50, 2.60, 2.90, 3.10, 3.00, 2.40, 1.60, 0.80};
    private static final double[] EMAIL = {
        0.40, 0.30, 0.25, 0.25, 0.30, 0.50, 0.90, 1.50, 2.20, 2.40, 2.40, 2.20,
        2.00, 2.10, 2.20, 2.10, 1.90, 1.60, 1.30, 1.10, 1.00, 0.90, 0.70, 0.50};

    private DiurnalCurve() {}

    private static double[] curve(Channel c) {
        return switch (c) {
            case VOICE -> VOICE;
            case EMAIL -> EMAIL;
            default -> MESSAGING;
        };
    }

    /**
     * An arrival instant on {@code channel} during local {@code day} in {@code zone} (by local hour,
     * so days of 23 or 25 hours across DST changes keep their shape and their date).
     */
    static long sample(Channel channel, LocalDate day, ZoneId zone, SplittableRandom rnd) {
        double[] w = curve(channel);
        double total = 0;
        for (double x : w) {
            total += x;
        }
        double u = rnd.nextDouble() * total;
        int hour = 0;
        while (hour < 23 && u >= w[hour]) {
            u -= w[hour];
            hour++;
        }
        long withinHour = rnd.nextLong(3_600_000L);
        return day.atTime(hour, 0).atZone(zone).toInstant().toEpochMilli() + withinHour;
    }

    /** Contacts per day divided by contacts in the busiest hour (on the blended curve). */
    static double dayToPeakRatio() {
        double total = 0;
        double peak = 0;
        for (int h = 0; h < 24; h++) {
            double v = 0.35 * VOICE[h] + 0.5 * MESSAGING[h] + 0.15 * EMAIL[h];
            total += v;
            peak = Math.max(peak, v);
        }
        return total / peak;
    }
}

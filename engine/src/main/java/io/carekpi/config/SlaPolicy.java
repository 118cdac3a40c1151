package io.carekpi.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * The SLA thresholds of a channel or queue (SPEC section 3). A null threshold means that clock
 * does not run. {@code warnAt} is the fraction of a threshold at which a WARNING is raised; 1 or
 * more means no warnings. {@code calendar} names a business-hours calendar, or null for calendar
 * time.
 */
public record SlaPolicy(Duration firstResponse, Duration nextResponse, Duration resolution, Double warnAt,
                        String calendar) implements Serializable {
    public static final double DEFAULT_WARN_AT = 0.8;
    public static final SlaPolicy NONE = new SlaPolicy(null, null, null, null, null);

    /** This policy's fields where set, else those of {@code base} (a queue policy over its channel's). */
    public SlaPolicy over(SlaPolicy base) {
        return new SlaPolicy(
                firstResponse != null ? firstResponse : base.firstResponse,
                nextResponse != null ? nextResponse : base.nextResponse,
                resolution != null ? resolution : base.resolution,
                warnAt != null ? warnAt : base.warnAt,
                calendar != null ? calendar : base.calendar);
    }

    public double warnFraction() {
        return warnAt == null ? DEFAULT_WARN_AT : warnAt;
    }
}

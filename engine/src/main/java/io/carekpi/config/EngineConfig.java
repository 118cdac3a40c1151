package io.carekpi.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The engine's configuration, read once from YAML; every key, its default and its cost is
 * documented in {@code docs/configuration.md}. Immutable and serializable so Flink functions can
 * carry it.
 */
public final class EngineConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Set<String> KEYS = Set.of("fcrWindow", "maxWrapUp", "windows", "outOfOrderness",
            "dedupHorizon", "timeZone", "conversationIdleTimeout", "earlyFiringInterval", "kpiRetention", "sla");

    public final Duration fcrWindow;
    public final Duration maxWrapUp;
    public final List<WindowSpec> windows;
    public final Duration outOfOrderness;
    public final Duration dedupHorizon;
    public final ZoneId timeZone;
    public final Duration conversationIdleTimeout;
    public final Duration earlyFiringInterval;
    /** How long a window's accumulator is kept after its end, so FCR verdicts can revise it. */
    public final Duration kpiRetention;
    /** SLA policies and calendars; none by default. */
    public final SlaConfig sla;

    private EngineConfig(Builder b) {
        this.fcrWindow = positive("fcrWindow", b.fcrWindow);
        this.maxWrapUp = positive("maxWrapUp", b.maxWrapUp);
        this.outOfOrderness = nonNegative("outOfOrderness", b.outOfOrderness);
        this.dedupHorizon = positive("dedupHorizon", b.dedupHorizon);
        this.timeZone = b.timeZone;
        this.conversationIdleTimeout = positive("conversationIdleTimeout", b.conversationIdleTimeout);
        this.earlyFiringInterval = positive("earlyFiringInterval", b.earlyFiringInterval);
        List<WindowSpec> ws = new ArrayList<>();
        for (Duration d : b.windows) {
            ws.add(WindowSpec.of(d, timeZone));
        }
        if (ws.isEmpty()) {
            throw new IllegalArgumentException("windows: at least one window size is needed");
        }
        this.windows = List.copyOf(ws);
        this.sla = b.sla;
        this.kpiRetention = b.kpiRetention != null
                ? nonNegative("kpiRetention", b.kpiRetention)
                : fcrWindow.plus(outOfOrderness).plus(Duration.ofMinutes(5));
    }

    private static Duration positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + d);
        }
        return d;
    }

    private static Duration nonNegative(String key, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, got " + d);
        }
        return d;
    }

    public static EngineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.fcrWindow = fcrWindow;
        b.maxWrapUp = maxWrapUp;
        b.windows = windows.stream().map(w -> w.size).toList();
        b.outOfOrderness = outOfOrderness;
        b.dedupHorizon = dedupHorizon;
        b.timeZone = timeZone;
        b.conversationIdleTimeout = conversationIdleTimeout;
        b.earlyFiringInterval = earlyFiringInterval;
        b.kpiRetention = kpiRetention;
        b.sla = sla;
        return b;
    }

    /** Reads a YAML file; absent keys keep their defaults, unknown keys are an error. */
    public static EngineConfig load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        return fromTree(root, file.toString());
    }

    static EngineConfig fromTree(JsonNode root, String origin) {
        Builder b = builder();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return b.build();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(origin + ": the configuration must be a YAML mapping");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(origin + ": unknown key '" + key + "' (known: " + KEYS + ")");
            }
        }
        try {
            if (root.has("fcrWindow")) b.fcrWindow = Durations.parse(root.get("fcrWindow").asText());
            if (root.has("maxWrapUp")) b.maxWrapUp = Durations.parse(root.get("maxWrapUp").asText());
            if (root.has("outOfOrderness")) b.outOfOrderness = Durations.parse(root.get("outOfOrderness").asText());
            if (root.has("dedupHorizon")) b.dedupHorizon = Durations.parse(root.get("dedupHorizon").asText());
            if (root.has("timeZone")) b.timeZone = ZoneId.of(root.get("timeZone").asText());
            if (root.has("conversationIdleTimeout")) {
                b.conversationIdleTimeout = Durations.parse(root.get("conversationIdleTimeout").asText());
            }
            if (root.has("earlyFiringInterval")) {
                b.earlyFiringInterval = Durations.parse(root.get("earlyFiringInterval").asText());
            }
            if (root.has("sla")) b.sla = SlaConfig.fromTree(root.get("sla"));
            if (root.has("kpiRetention")) b.kpiRetention = Durations.parse(root.get("kpiRetention").asText());
            if (root.has("windows")) {
                List<Duration> ws = new ArrayList<>();
                for (JsonNode w : root.get("windows")) {
                    ws.add(Durations.parse(w.asText()));
                }
                b.windows = ws;
            }
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** Mutable builder holding the documented defaults. */
    public static final class Builder {
        public Duration fcrWindow = Duration.ofHours(72);
        public Duration maxWrapUp = Duration.ofMinutes(30);
        public List<Duration> windows = List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1));
        public Duration outOfOrderness = Duration.ofSeconds(5);
        public Duration dedupHorizon = Duration.ofMinutes(10);
        public ZoneId timeZone = ZoneId.of("UTC");
        public Duration conversationIdleTimeout = Duration.ofDays(7);
        public Duration earlyFiringInterval = Duration.ofSeconds(2);
        /** Null: fcrWindow + outOfOrderness + 5 minutes. */
        public Duration kpiRetention;
        public SlaConfig sla = SlaConfig.NONE;

        public EngineConfig build() {
            return new EngineConfig(this);
        }
    }
}

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

/**
 * The engine's configuration, read once from YAML; every key, its default and its cost is
 * documented in {@code docs/configuration.md}. Immutable and serializable so Flink functions can
 * carry it.
 */
public final class EngineConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The keys of the YAML file, each named here and nowhere else: the parser, the validation
     * messages and the unknown-key check all use these. Read in this order (the first bad value
     * is the one reported). docs/configuration.md documents every one; EngineConfigTest checks it.
     */
    enum Key {
        FCR_WINDOW("fcrWindow", (b, v) -> b.fcrWindow = Durations.parse(v.asText())),
        MAX_WRAP_UP("maxWrapUp", (b, v) -> b.maxWrapUp = Durations.parse(v.asText())),
        OUT_OF_ORDERNESS("outOfOrderness", (b, v) -> b.outOfOrderness = Durations.parse(v.asText())),
        DEDUP_HORIZON("dedupHorizon", (b, v) -> b.retired("dedupHorizon",
                "duplicates are remembered as long as their conversation, conversationRetention")),
        TIME_ZONE("timeZone", (b, v) -> b.timeZone = ZoneId.of(v.asText())),
        CONVERSATION_RETENTION("conversationRetention",
                (b, v) -> b.conversationRetention = Durations.parse(v.asText())),
        CONVERSATION_IDLE_TIMEOUT("conversationIdleTimeout", (b, v) -> b.retired("conversationIdleTimeout",
                "every conversation, open or not, is remembered conversationRetention after its last event")),
        EARLY_FIRING_INTERVAL("earlyFiringInterval", (b, v) -> b.earlyFiringInterval = Durations.parse(v.asText())),
        SLA("sla", (b, v) -> b.sla = SlaConfig.fromTree(v)),
        KPI_RETENTION("kpiRetention", (b, v) -> b.kpiRetention = Durations.parse(v.asText())),
        WINDOWS("windows", (b, v) -> {
            List<Duration> ws = new ArrayList<>();
            for (JsonNode w : v) {
                ws.add(Durations.parse(w.asText()));
            }
            b.windows = ws;
        });

        /** The key as written in the YAML file. */
        final String yaml;
        private final Reader reader;

        Key(String yaml, Reader reader) {
            this.yaml = yaml;
            this.reader = reader;
        }

        /** The key named {@code yaml} in the file, or null when there is none. */
        static Key named(String yaml) {
            for (Key k : values()) {
                if (k.yaml.equals(yaml)) {
                    return k;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return yaml;
        }

        /** Sets the builder's value of a key from its YAML node. */
        @FunctionalInterface
        private interface Reader {
            void read(Builder b, JsonNode value);
        }
    }

    public final Duration fcrWindow;
    public final Duration maxWrapUp;
    public final List<WindowSpec> windows;
    public final Duration outOfOrderness;
    public final ZoneId timeZone;
    /**
     * How long a conversation is remembered after its last event (at least {@link #fcrWindow}): a
     * reopen, a survey or a re-delivered event until then continues it (SPEC section 2, Memory).
     */
    public final Duration conversationRetention;
    public final Duration earlyFiringInterval;
    /** How long a window's accumulator is kept after its end, so FCR verdicts can revise it. */
    public final Duration kpiRetention;
    /** SLA policies and calendars; none by default. */
    public final SlaConfig sla;
    /** What the file said that is no longer used (retired keys), for the operator to read at start. */
    public final List<String> notices;

    private EngineConfig(Builder b) {
        this.fcrWindow = positive(Key.FCR_WINDOW, b.fcrWindow);
        this.maxWrapUp = positive(Key.MAX_WRAP_UP, b.maxWrapUp);
        this.outOfOrderness = nonNegative(Key.OUT_OF_ORDERNESS, b.outOfOrderness);
        this.timeZone = b.timeZone;
        Duration retention = positive(Key.CONVERSATION_RETENTION, b.conversationRetention);
        this.conversationRetention = retention.compareTo(fcrWindow) < 0 ? fcrWindow : retention;
        this.earlyFiringInterval = positive(Key.EARLY_FIRING_INTERVAL, b.earlyFiringInterval);
        List<WindowSpec> ws = new ArrayList<>();
        for (Duration d : b.windows) {
            ws.add(WindowSpec.of(d, timeZone));
        }
        if (ws.isEmpty()) {
            throw new IllegalArgumentException(Key.WINDOWS + ": at least one window size is needed");
        }
        this.windows = List.copyOf(ws);
        this.sla = b.sla;
        this.notices = List.copyOf(b.notices);
        this.kpiRetention = b.kpiRetention != null
                ? nonNegative(Key.KPI_RETENTION, b.kpiRetention)
                : fcrWindow.plus(outOfOrderness).plus(Duration.ofMinutes(5));
    }

    private static Duration positive(Key key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + d);
        }
        return d;
    }

    private static Duration nonNegative(Key key, Duration d) {
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
        b.timeZone = timeZone;
        b.conversationRetention = conversationRetention;
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
            if (Key.named(key) == null) {
                throw new IllegalArgumentException(origin + ": unknown key '" + key + "' (known: "
                        + List.of(Key.values()) + ")");
            }
        }
        try {
            for (Key k : Key.values()) {
                if (root.has(k.yaml)) {
                    k.reader.read(b, root.get(k.yaml));
                }
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
        public ZoneId timeZone = ZoneId.of("UTC");
        public Duration conversationRetention = Duration.ofDays(30);
        public Duration earlyFiringInterval = Duration.ofSeconds(2);
        /** Null: fcrWindow + outOfOrderness + 5 minutes. */
        public Duration kpiRetention;
        public SlaConfig sla = SlaConfig.NONE;
        private final List<String> notices = new ArrayList<>();

        /** A key of an earlier version, read and ignored; {@code why} says what took its place. */
        private void retired(String key, String why) {
            notices.add(key + " is retired and ignored (0.2): " + why);
        }

        public EngineConfig build() {
            return new EngineConfig(this);
        }
    }
}

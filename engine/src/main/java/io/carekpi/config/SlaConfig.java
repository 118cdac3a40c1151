package io.carekpi.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SLA policies: SLA-wide defaults, a policy per channel over them, per-queue overrides over those
 * (field by field: a queue's fields win over its channel's, a channel's over the defaults), and
 * the named business-hours calendars they use. Documented with examples in docs/sla.md.
 */
public final class SlaConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final SlaConfig NONE = new SlaConfig(Map.of(), Map.of(), Map.of());

    /** The sections of {@code sla:} besides the SLA-wide policy keys. */
    private static final List<String> SECTIONS = List.of("channels", "queues", "calendars");
    /** The keys of a calendar. */
    private static final List<String> CALENDAR_KEYS = List.of("timeZone", "hours", "holidays");

    /** The keys of a channel's or a queue's policy, each named here and nowhere else. */
    private enum PolicyKey {
        FIRST_RESPONSE("firstResponse"),
        NEXT_RESPONSE("nextResponse"),
        RESOLUTION("resolution"),
        WARN_AT("warnAt"),
        CALENDAR("calendar");

        /** The key as written in the YAML file. */
        final String yaml;

        PolicyKey(String yaml) {
            this.yaml = yaml;
        }

        static boolean isKnown(String yaml) {
            for (PolicyKey k : values()) {
                if (k.yaml.equals(yaml)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return yaml;
        }
    }

    private final SlaPolicy defaults;
    private final Map<String, SlaPolicy> channels;
    private final Map<String, SlaPolicy> queues;
    private final Map<String, BusinessCalendar> calendars;

    public SlaConfig(Map<String, SlaPolicy> channels, Map<String, SlaPolicy> queues,
                     Map<String, BusinessCalendar> calendars) {
        this(SlaPolicy.NONE, channels, queues, calendars);
    }

    /** @param defaults the SLA-wide policy: what a channel's policy leaves unset */
    public SlaConfig(SlaPolicy defaults, Map<String, SlaPolicy> channels, Map<String, SlaPolicy> queues,
                     Map<String, BusinessCalendar> calendars) {
        this.defaults = defaults;
        this.channels = new HashMap<>(channels);
        this.queues = new HashMap<>(queues);
        this.calendars = new HashMap<>(calendars);
        List<SlaPolicy> all = new ArrayList<>(channels.values());
        all.addAll(queues.values());
        all.add(defaults);
        for (SlaPolicy p : all) {
            if (p.calendar() != null && !calendars.containsKey(p.calendar())) {
                throw new IllegalArgumentException("sla: unknown calendar '" + p.calendar() + "' (defined: "
                        + calendars.keySet() + ")");
            }
            if (p.warnAt() != null && p.warnAt() <= 0) {
                throw new IllegalArgumentException("sla: " + PolicyKey.WARN_AT + " must be above 0, got " + p.warnAt());
            }
        }
    }

    public boolean isEmpty() {
        return channels.isEmpty() && queues.isEmpty() && defaults.equals(SlaPolicy.NONE);
    }

    /** The policy for a conversation on {@code channel} in {@code queue} (either may be null). */
    public SlaPolicy policyFor(String channel, String queue) {
        SlaPolicy c = channel == null ? null : channels.get(channel);
        SlaPolicy base = c == null ? defaults : c.over(defaults);
        SlaPolicy q = queue == null ? null : queues.get(queue);
        return q == null ? base : q.over(base);
    }

    public BusinessCalendar calendar(String name) {
        return name == null ? null : calendars.get(name);
    }

    static SlaConfig fromTree(JsonNode sla) {
        if (sla == null || sla.isNull()) {
            return NONE;
        }
        for (Iterator<String> keys = sla.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!SECTIONS.contains(k) && !PolicyKey.isKnown(k)) {
                throw new IllegalArgumentException("sla: unknown key '" + k + "' (known: " + SECTIONS + " and the "
                        + "SLA-wide defaults " + List.of(PolicyKey.values()) + ")");
            }
        }
        Map<String, BusinessCalendar> calendars = new HashMap<>();
        JsonNode cals = sla.get("calendars");
        if (cals != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = cals.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                calendars.put(e.getKey(), calendar(e.getKey(), e.getValue()));
            }
        }
        return new SlaConfig(policy(sla, "sla", Set.copyOf(SECTIONS)), policies(sla, "channels"),
                policies(sla, "queues"), calendars);
    }

    /** The policies of {@code section} ({@code channels} or {@code queues}) of the {@code sla} node. */
    private static Map<String, SlaPolicy> policies(JsonNode sla, String section) {
        Map<String, SlaPolicy> out = new HashMap<>();
        JsonNode node = sla.get(section);
        if (node == null || node.isNull()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), policy(e.getValue(), "sla." + section + "." + e.getKey(), Set.of()));
        }
        return out;
    }

    /** The policy keys of node {@code p} ({@code path} names it in errors; {@code others} are its other keys). */
    private static SlaPolicy policy(JsonNode p, String path, Set<String> others) {
        for (Iterator<String> keys = p.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!PolicyKey.isKnown(k) && !others.contains(k)) {
                throw new IllegalArgumentException(path + ": unknown key '" + k + "'");
            }
        }
        JsonNode warnAt = p.get(PolicyKey.WARN_AT.yaml);
        JsonNode calendar = p.get(PolicyKey.CALENDAR.yaml);
        return new SlaPolicy(duration(p, PolicyKey.FIRST_RESPONSE), duration(p, PolicyKey.NEXT_RESPONSE),
                duration(p, PolicyKey.RESOLUTION), warnAt != null ? warnAt.asDouble() : null,
                calendar != null ? calendar.asText() : null);
    }

    private static Duration duration(JsonNode p, PolicyKey key) {
        JsonNode v = p.get(key.yaml);
        return v == null || v.isNull() ? null : Durations.parse(v.asText());
    }

    private static BusinessCalendar calendar(String name, JsonNode node) {
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!CALENDAR_KEYS.contains(k)) {
                throw new IllegalArgumentException("sla.calendars." + name + ": unknown key '" + k + "' (known: "
                        + CALENDAR_KEYS + ")");
            }
        }
        ZoneId zone = ZoneId.of(node.path("timeZone").asText("UTC"));
        Map<DayOfWeek, List<LocalTime[]>> hours = new HashMap<>();
        JsonNode h = node.get("hours");
        if (h != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<LocalTime[]> intervals = new ArrayList<>();
                for (JsonNode iv : e.getValue()) {
                    intervals.add(interval(name, iv.asText()));
                }
                for (DayOfWeek d : days(name, e.getKey())) {
                    hours.computeIfAbsent(d, x -> new ArrayList<>()).addAll(intervals);
                }
            }
        }
        Set<LocalDate> holidays = new HashSet<>();
        JsonNode hol = node.get("holidays");
        if (hol != null) {
            for (JsonNode d : hol) {
                holidays.add(LocalDate.parse(d.asText()));
            }
        }
        return new BusinessCalendar(name, zone, hours, holidays);
    }

    /** {@code mon}, {@code monday}, {@code MONDAY}, or a range {@code mon-fri}. */
    static List<DayOfWeek> days(String calendar, String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.contains("-")) {
            DayOfWeek from = day(calendar, k.substring(0, k.indexOf('-')));
            DayOfWeek to = day(calendar, k.substring(k.indexOf('-') + 1));
            List<DayOfWeek> out = new ArrayList<>();
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                out.add(d);
                if (d == to) {
                    return out;
                }
            }
        }
        return List.of(day(calendar, k));
    }

    private static DayOfWeek day(String calendar, String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.name().toLowerCase(Locale.ROOT);
            if (k.equals(full) || (k.length() == 3 && full.startsWith(k))) {
                return d;
            }
        }
        throw new IllegalArgumentException("calendar " + calendar + ": not a weekday: '" + s + "'");
    }

    /** {@code "09:00-12:30"}; {@code 24:00} ends at midnight. */
    private static LocalTime[] interval(String calendar, String text) {
        String[] parts = text.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("calendar " + calendar + ": opening hours look like 09:00-17:30, got '"
                    + text + "'");
        }
        LocalTime open = LocalTime.parse(parts[0].trim());
        String c = parts[1].trim();
        LocalTime close = c.equals("24:00") ? LocalTime.MIDNIGHT : LocalTime.parse(c);
        return new LocalTime[] {open, close};
    }
}

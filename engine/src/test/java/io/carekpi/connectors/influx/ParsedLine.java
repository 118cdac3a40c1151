package io.carekpi.connectors.influx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A line of line protocol taken apart the way InfluxDB does (escapes in measurement, tags and
 * field keys; quoted string fields), so tests can assert on tags and fields instead of substrings.
 *
 * @param measurement the measurement
 * @param tags tag key to unescaped value, in line order
 * @param fields field key to raw value text ({@code 12i}, {@code 0.5}, {@code "quoted"}), in line order
 * @param timestamp nanoseconds
 */
record ParsedLine(String measurement, Map<String, String> tags, Map<String, String> fields, long timestamp) {

    /** Measurement and tag set: what, with the timestamp, identifies a point. */
    String seriesKey() {
        return measurement + tags;
    }

    static ParsedLine parse(String line) {
        Cursor c = new Cursor(line);
        String measurement = c.unescapedUntil(",  ".toCharArray());
        Map<String, String> tags = new LinkedHashMap<>();
        while (c.peek() == ',') {
            c.next();
            String key = c.unescapedUntil(new char[] {'='});
            c.expect('=');
            tags.put(key, c.unescapedUntil(new char[] {',', ' '}));
        }
        c.expect(' ');
        Map<String, String> fields = new LinkedHashMap<>();
        do {
            String key = c.unescapedUntil(new char[] {'='});
            c.expect('=');
            fields.put(key, c.fieldValue());
        } while (c.peek() == ',' && c.next() == ',');
        c.expect(' ');
        long timestamp = Long.parseLong(line.substring(c.pos));
        return new ParsedLine(measurement, tags, fields, timestamp);
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        char next() {
            return s.charAt(pos++);
        }

        void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("Expected '" + c + "' at " + pos + " of: " + s);
            }
            pos++;
        }

        String unescapedUntil(char[] stops) {
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\\' && pos + 1 < s.length() && ",= ".indexOf(s.charAt(pos + 1)) >= 0) {
                    b.append(s.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                for (char stop : stops) {
                    if (c == stop) {
                        return b.toString();
                    }
                }
                b.append(c);
                pos++;
            }
            return b.toString();
        }

        String fieldValue() {
            int start = pos;
            if (peek() == '"') {
                pos++;
                while (s.charAt(pos) != '"') {
                    pos += s.charAt(pos) == '\\' ? 2 : 1;
                }
                pos++;
                return s.substring(start, pos);
            }
            while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ' ') {
                pos++;
            }
            return s.substring(start, pos);
        }
    }
}

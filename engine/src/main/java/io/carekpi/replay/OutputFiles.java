package io.carekpi.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The replay job's part files merged into its sorted output files, after the job has finished.
 *
 * <p>Every part-file line is a JSON object written by Jackson ({@code ObjectNode.toString()},
 * UTF-8, one per line), and Jackson writes what it reads back the same way; so an output line is
 * the part-file line's bytes as they are. Only the fields of the sort key are read, with a
 * streaming parser that stops at the last of them (they come first in every record), and the sort
 * key is computed once per record. A snapshot superseded by a later revision is never copied.
 */
final class OutputFiles {
    private static final JsonFactory JSON = new JsonFactory();

    private OutputFiles() {}

    /** One snapshot key: window, start and dimensions. */
    private record SnapshotKey(String window, String windowStart, String channel, String agent, String queue) {}

    /** The latest revision of one key so far, with its line; {@code windowRank}: the window's position in the configuration. */
    private record Snapshot(SnapshotKey key, int windowRank, long revision, byte[] line) {}

    private static final Comparator<Snapshot> SNAPSHOT_ORDER = Comparator.comparingInt(Snapshot::windowRank)
            .thenComparing(s -> s.key().windowStart())
            .thenComparing(s -> s.key().channel())
            .thenComparing(s -> s.key().agent())
            .thenComparing(s -> s.key().queue())
            // equal so far only for two windows both missing from the configuration (never written)
            .thenComparing(s -> s.key().window());

    /**
     * Keeps the latest revision of every snapshot key (of equal revisions, the first read) and
     * writes them sorted by the window's position in {@code windowOrder} (a window missing from it
     * first), then start, channel, agent and queue as text.
     *
     * @return the snapshots written
     */
    static long writeLatestSnapshots(Path dir, List<String> windowOrder, Path file) throws IOException {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = windowOrder.size() - 1; i >= 0; i--) {
            rank.put(windowOrder.get(i), i); // the first position of a label, as List.indexOf
        }
        Map<SnapshotKey, Snapshot> latest = new HashMap<>();
        String[] names = {"window", "windowStart", "channel", "agent", "queue", "revision"};
        forEachLine(dir, (buf, off, len) -> {
            String[] v = required(fields(buf, off, len, names), names, buf, off, len);
            SnapshotKey key = new SnapshotKey(v[0], v[1], v[2], v[3], v[4]);
            long revision = asLong(v[5]);
            Snapshot kept = latest.get(key);
            if (kept == null || revision > kept.revision()) {
                latest.put(key, new Snapshot(key, rank.getOrDefault(v[0], -1), revision,
                        Arrays.copyOfRange(buf, off, off + len)));
            }
        });
        List<Snapshot> sorted = new ArrayList<>(latest.values());
        latest.clear();
        sorted.sort(SNAPSHOT_ORDER);
        return write(sorted, Snapshot::line, file);
    }

    /** A line with a sort key of a text and a number. */
    private record Keyed(String text, long number, byte[] line) {}

    /** Conversation summaries by conversation id (text), then sequence; in read order where equal. */
    static long writeConversations(Path dir, Path file) throws IOException {
        String[] names = {"conversationId", "sequence"};
        List<Keyed> all = new ArrayList<>();
        forEachLine(dir, (buf, off, len) -> {
            String[] v = required(fields(buf, off, len, names), names, buf, off, len);
            all.add(new Keyed(v[0], (int) asLong(v[1]), Arrays.copyOfRange(buf, off, off + len)));
        });
        all.sort(Comparator.comparing(Keyed::text).thenComparingLong(Keyed::number));
        return write(all, Keyed::line, file);
    }

    /** A line with a sort key of two texts. */
    private record TwoTexts(String first, String second, byte[] line) {}

    /** SLA events by the instant they were emitted for (as text), then event id; in read order where equal. */
    static long writeSlaEvents(Path dir, Path file) throws IOException {
        String[] names = {"emittedFor", "slaEventId"};
        List<TwoTexts> all = new ArrayList<>();
        forEachLine(dir, (buf, off, len) -> {
            String[] v = required(fields(buf, off, len, names), names, buf, off, len);
            all.add(new TwoTexts(v[0], v[1], Arrays.copyOfRange(buf, off, off + len)));
        });
        all.sort(Comparator.comparing(TwoTexts::first).thenComparing(TwoTexts::second));
        return write(all, TwoTexts::line, file);
    }

    /**
     * What the rejected (or late) lines written add up to. One line is one record, except
     * unreadable blocks of an Avro file: the records they declared.
     */
    record Rejections(long lines, long records, long unreadBlocks, long unreadBlockRecords, long unreadUncounted) {}

    /** Rejected or late inputs by input line, then reason; in read order where equal. */
    static Rejections writeRejections(Path dir, Path file) throws IOException {
        String[] names = {"line", "reason", "unreadBlocks", "records"};
        List<Keyed> all = new ArrayList<>();
        long[] counts = new long[4]; // records, unreadBlocks, unreadBlockRecords, unreadUncounted
        forEachLine(dir, (buf, off, len) -> {
            String[] v = fields(buf, off, len, names);
            required(new String[] {v[0], v[1]}, new String[] {names[0], names[1]}, buf, off, len);
            all.add(new Keyed(v[1], asLong(v[0]), Arrays.copyOfRange(buf, off, off + len)));
            if (v[2] == null) {
                counts[0]++;
            } else if (v[3] == null || v[3].equals("null")) {
                counts[3]++;
                counts[0]++;
            } else {
                counts[1] += asLong(v[2]);
                counts[2] += asLong(v[3]);
                counts[0] += asLong(v[3]);
            }
        });
        all.sort(Comparator.comparingLong(Keyed::number).thenComparing(Keyed::text));
        long lines = write(all, Keyed::line, file);
        return new Rejections(lines, counts[0], counts[1], counts[2], counts[3]);
    }

    /** The number of lines of the part files under {@code dir}. */
    static long countLines(Path dir) throws IOException {
        long[] n = {0};
        forEachLine(dir, (buf, off, len) -> n[0]++);
        return n[0];
    }

    private static <T> long write(List<T> records, java.util.function.Function<T, byte[]> line, Path file)
            throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (T r : records) {
                out.write(line.apply(r));
                out.write('\n');
            }
        }
        return records.size();
    }

    @FunctionalInterface
    interface LineHandler {
        /** One line, without its end, in {@code buf[off, off + len)}; the buffer is reused after the call. */
        void line(byte[] buf, int off, int len) throws IOException;
    }

    /**
     * Every line of the finished part files under {@code dir} (hidden in-progress files left out),
     * files in path order, lines in file order; a last line without a line end included.
     */
    static void forEachLine(Path dir, LineHandler handler) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        byte[] buf = new byte[1 << 20];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                int start = 0; // first byte of the current line
                int end = 0; // end of the bytes read
                int n;
                while ((n = in.read(buf, end, buf.length - end)) >= 0) {
                    int scan = end;
                    end += n;
                    for (int i = scan; i < end; i++) {
                        if (buf[i] == '\n') {
                            handler.line(buf, start, i - start);
                            start = i + 1;
                        }
                    }
                    if (start == end) {
                        start = end = 0;
                    } else if (end == buf.length) {
                        if (start > 0) { // move the unfinished line to the front
                            System.arraycopy(buf, start, buf, 0, end - start);
                            end -= start;
                            start = 0;
                        } else { // a line longer than the buffer
                            buf = Arrays.copyOf(buf, buf.length * 2);
                        }
                    }
                }
                if (start < end) {
                    handler.line(buf, start, end - start);
                }
            }
        }
    }

    /**
     * The values of the named top-level fields of a JSON object, as {@code JsonNode.asText()} gives
     * them ({@code "null"} for null), or null for a field absent; parsed only up to the last of them.
     */
    static String[] fields(byte[] buf, int off, int len, String... names) throws IOException {
        String[] values = new String[names.length];
        int missing = names.length;
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object: " + new String(buf, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }
            JsonToken t;
            while (missing > 0 && (t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                int i = indexOf(names, name);
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    if (i >= 0 && values[i] == null) {
                        values[i] = "";
                        missing--;
                    }
                } else if (i >= 0) {
                    if (values[i] == null) {
                        missing--;
                    }
                    values[i] = value == JsonToken.VALUE_NULL ? "null" : p.getText();
                }
            }
        }
        return values;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String[] required(String[] values, String[] names, byte[] buf, int off, int len) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IOException("no \"" + names[i] + "\" in part-file line: "
                        + new String(buf, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** A number's text as {@code JsonNode.asLong()} reads it (0 for null). */
    private static long asLong(String text) {
        return text.equals("null") ? 0 : Long.parseLong(text);
    }
}

package io.carekpi.tools.sim;

import io.carekpi.schema.InteractionEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * Simulated events in arrival order, as {@link Delivery} produced them: the valid events (with
 * their re-sent copies) and the JSON Lines of a replay file (the same, plus invalid lines).
 */
public final class DeliveredTraffic {
    private final List<InteractionEvent> arrivals;
    private final List<String> lines;
    private final long duplicates;
    private final List<InvalidLine> invalidLines;

    DeliveredTraffic(List<InteractionEvent> arrivals, List<String> lines, long duplicates,
                     List<InvalidLine> invalidLines) {
        this.arrivals = Collections.unmodifiableList(arrivals);
        this.lines = Collections.unmodifiableList(lines);
        this.duplicates = duplicates;
        this.invalidLines = Collections.unmodifiableList(invalidLines);
    }

    /** The valid events in arrival order, re-sent copies included (for a Kafka producer, say). */
    public List<InteractionEvent> arrivals() {
        return arrivals;
    }

    /** The JSON Lines, in file order: the arrivals encoded by {@code EventJson}, with the invalid lines mixed in. */
    public List<String> lines() {
        return lines;
    }

    /** How many re-sent copies the arrivals contain (what the engine must count as duplicates). */
    public long duplicates() {
        return duplicates;
    }

    /** The invalid lines, by line number. */
    public List<InvalidLine> invalidLines() {
        return invalidLines;
    }

    /** Writes {@link #lines()} as a UTF-8 JSON Lines file. */
    public void writeJsonLines(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }
}

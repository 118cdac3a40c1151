package io.carekpi.io;

import io.carekpi.flink.RawEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a JSON Lines file for Flink's {@code FileSource}: one {@link RawEvent} per non-blank line,
 * numbered by its line in the file (1-based), so rejected lines can be found and ties broken.
 * Not splittable: line numbers need the file read from its start.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<RawEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public StreamFormat.Reader<RawEvent> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        return new StreamFormat.Reader<>() {
            private long line;

            @Override
            public RawEvent read() throws IOException {
                String text;
                while ((text = reader.readLine()) != null) {
                    line++;
                    if (!text.isBlank()) {
                        return RawEvent.ofText(text, line);
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}

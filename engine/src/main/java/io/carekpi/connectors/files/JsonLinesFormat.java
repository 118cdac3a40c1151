package io.carekpi.connectors.files;

import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
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
 * Reads a JSON Lines file for Flink's {@code FileSource}: every non-blank line decoded by the
 * {@link EventDecoder} into an event or a rejection, numbered by its line in the file (1-based), so
 * rejected lines can be found and ties broken. Not splittable: line numbers need the file read
 * from its start.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        EventDecoder decoder = EventDecoder.live();
        return new StreamFormat.Reader<>() {
            private long line;

            @Override
            public Decoded read() throws IOException {
                String text;
                while ((text = reader.readLine()) != null) {
                    line++;
                    if (!text.isBlank()) {
                        return decoder.decode(RawInput.json(text, line));
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
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}

package io.carekpi.connectors.files;

import io.carekpi.events.Decoded;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an Avro container file of {@code InteractionEvent}s for Flink's {@code FileSource}: each
 * datum, read with the file's writer schema into the current schema, is validated by the
 * {@link EventDecoder} and numbered by its place in the file (1-based). The container decodes the
 * datum; nothing is encoded again. Not splittable: record numbers need the file read from its start.
 */
public final class AvroEventFileFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;

    private final EventDecoder decoder;

    public AvroEventFileFormat(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        EventAvro.limitAvroAllocations();
        DataFileStream<InteractionEvent> file = new DataFileStream<>(stream, new SpecificDatumReader<>(InteractionEvent.class));
        return new StreamFormat.Reader<>() {
            private long record;

            @Override
            public Decoded read() {
                if (!file.hasNext()) {
                    return null;
                }
                return decoder.accept(file.next(), ++record);
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}

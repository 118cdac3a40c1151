package io.carekpi.connectors.files;

import io.carekpi.events.Decoded;
import io.carekpi.events.Rejection;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an Avro container file of {@code InteractionEvent}s for Flink's {@code FileSource}: each
 * datum, read with the file's writer schema into the current schema, is validated by the
 * {@link EventDecoder} and numbered by its place in the file (1-based). The container decodes the
 * datum; nothing is encoded again. Not splittable: record numbers need the file read from its start.
 *
 * <p>A block that cannot be read (bit flips, a bad record count, a record over the decoder's
 * allocation limit, a file cut short) becomes one rejection naming its byte range and why; reading
 * goes on at the next block's sync marker, so one bad block costs its own records only, and a cut
 * tail is reported, never silently dropped. A file that is not an Avro container at all is one
 * rejection.
 */
public final class AvroEventFileFormat implements StreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;

    private final EventDecoder decoder;

    public AvroEventFileFormat(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public Reader<Decoded> createReader(Configuration config, FSDataInputStream stream, long fileLen, long splitEnd)
            throws IOException {
        EventAvro.limitAvroAllocations();
        return new BlockReader(stream, fileLen, decoder);
    }

    @Override
    public Reader<Decoded> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset,
                                         long fileLen, long splitEnd) throws IOException {
        // Not splittable and never checkpointed mid-file (replay runs in BATCH): start over, as
        // Flink's SimpleStreamFormat does; the source skips the records already emitted.
        stream.seek(0);
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }

    private static final class BlockReader implements StreamFormat.Reader<Decoded> {
        private final FSDataInputStream stream;
        private final long fileLen;
        private final EventDecoder decoder;
        private DataFileReader<InteractionEvent> file;
        private long record;
        private boolean done;

        BlockReader(FSDataInputStream stream, long fileLen, EventDecoder decoder) {
            this.stream = stream;
            this.fileLen = fileLen;
            this.decoder = decoder;
        }

        @Override
        public Decoded read() throws IOException {
            if (done) {
                return null;
            }
            if (file == null) {
                try {
                    file = new DataFileReader<>(new Seekable(stream, fileLen), new SpecificDatumReader<>(InteractionEvent.class));
                } catch (IOException | RuntimeException notAvro) {
                    done = true;
                    return rejected(0, fileLen, "not an Avro container file of InteractionEvents: " + notAvro.getMessage());
                }
            }
            long blockStart = file.previousSync();
            try {
                if (!file.hasNext()) {
                    done = true;
                    // Avro ends quietly at a block it cannot finish reading: a cut file. Not silently.
                    long readTo = file.previousSync();
                    return readTo < fileLen ? rejected(readTo, fileLen, "the file ends inside a block (cut short?): bytes "
                            + readTo + ".." + fileLen + " are not read (after record " + record + ")") : null;
                }
                return decoder.accept(file.next(), ++record);
            } catch (RuntimeException bad) { // Avro reports a bad block as AvroRuntimeException (wrapping the IOException)
                return skipBlock(blockStart, bad);
            }
        }

        /** Reports the block that failed and moves to the next sync marker (or the end of the file). */
        private Decoded skipBlock(long blockStart, Exception why) throws IOException {
            long end;
            try {
                file.sync(blockStart + 1);
                end = file.hasNext() ? file.previousSync() : fileLen;
            } catch (IOException | RuntimeException noMore) {
                end = fileLen;
                done = true;
            }
            if (end >= fileLen) {
                done = true;
            }
            String reason = why.getMessage() != null ? why.getMessage() : why.toString();
            return rejected(blockStart, end, "block at bytes " + blockStart + ".." + end
                    + " cannot be read, its records are not read (after record " + record + "): " + reason);
        }

        private Decoded rejected(long from, long to, String reason) {
            return Decoded.rejected(new Rejection("bytes " + from + ".." + to + " of the file", null, reason,
                    record + 1, null));
        }

        @Override
        public void close() throws IOException {
            if (file != null) {
                file.close();
            } else {
                stream.close();
            }
        }
    }

    /** The file's stream as Avro's seekable input. */
    private static final class Seekable implements SeekableInput {
        private final FSDataInputStream in;
        private final long length;

        Seekable(FSDataInputStream in, long length) {
            this.in = in;
            this.length = length;
        }

        @Override
        public void seek(long p) throws IOException {
            in.seek(p);
        }

        @Override
        public long tell() throws IOException {
            return in.getPos();
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

package io.carekpi.connectors.files;

import io.carekpi.events.Decoded;
import io.carekpi.events.Rejection;
import io.carekpi.events.Rejection.UnreadBlocks;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
        private boolean compressed;
        private long headerEnd;
        private long record;
        private boolean done;
        /** The block being read (its start), and the records read before it. */
        private long block = -1;
        private long recordsBeforeBlock;

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
                    return rejected(0, fileLen, "not an Avro container file of InteractionEvents: " + notAvro.getMessage(),
                            null);
                }
                headerEnd = file.previousSync();
                String codec = file.getMetaString("avro.codec");
                compressed = codec != null && !codec.equals("null");
            }
            long blockStart = file.previousSync();
            if (blockStart != block) {
                block = blockStart;
                recordsBeforeBlock = record;
            }
            try {
                if (!file.hasNext()) {
                    done = true;
                    // Avro ends quietly at a block it cannot finish reading: a cut file. Not silently.
                    long readTo = file.previousSync();
                    if (readTo >= fileLen) {
                        return null;
                    }
                    UnreadBlocks unread = unread(readTo, fileLen, readTo == block ? record - recordsBeforeBlock : 0);
                    return rejected(readTo, fileLen, "the file ends inside a block (cut short?): bytes "
                            + readTo + ".." + fileLen + " are not read (after record " + record + ")" + declared(unread),
                            unread);
                }
                return decoder.accept(file.next(), ++record);
            } catch (RuntimeException bad) { // Avro reports a bad block as AvroRuntimeException (wrapping the IOException)
                return skipBlock(blockStart, bad);
            }
        }

        /** Reports the block that failed and moves to the next sync marker (or the end of the file). */
        private Decoded skipBlock(long blockStart, Exception why) throws IOException {
            // The skipped blocks' headers are read before the reader moves on (it seeks anew).
            Walk walk = walk(blockStart);
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
            UnreadBlocks unread = walk.to(end, blockStart == block ? record - recordsBeforeBlock : 0);
            return rejected(blockStart, end, "block at bytes " + blockStart + ".." + end
                    + " cannot be read, its records are not read (after record " + record + ")" + declared(unread)
                    + ": " + reason, unread);
        }

        private static String declared(UnreadBlocks unread) {
            return unread.records() == UnreadBlocks.UNKNOWN ? "; how many records it held cannot be read"
                    : "; " + unread.records() + " records not read in " + unread.blocks()
                    + (unread.blocks() == 1 ? " block" : " blocks");
        }

        private UnreadBlocks unread(long from, long to, long alreadyRead) throws IOException {
            return walk(from).to(to, alreadyRead);
        }

        /**
         * The block headers (record count, byte size) of the blocks from {@code from} on, followed block to
         * block until the first that ends with the file's sync marker (where Avro's reader resumes),
         * one that runs past the end of the file (a cut tail), or one that is implausible: a count
         * under 1, a negative size, more records than bytes in an uncompressed file.
         */
        private Walk walk(long from) throws IOException {
            Walk w = new Walk(fileLen);
            w.starts.add(from);
            byte[] marker = syncMarker();
            long p = from;
            try {
                while (p < fileLen) {
                    byte[] head = readAt(p, 20);
                    long[] count = varint(head, 0);
                    long[] size = count == null ? null : varint(head, (int) count[1]);
                    if (size == null || count[0] < 1 || size[0] < 0 || (!compressed && count[0] > size[0])) {
                        return w;
                    }
                    long next = p + size[1] + size[0] + SYNC_SIZE;
                    w.counts.add(count[0]);
                    w.starts.add(next);
                    if (next > fileLen || marker == null || java.util.Arrays.equals(readAt(next - SYNC_SIZE, SYNC_SIZE), marker)) {
                        return w;
                    }
                    p = next;
                }
            } catch (IOException | RuntimeException unreadable) {
                // what was walked so far stands; Walk.to decides whether it covers the range
            }
            return w;
        }

        /** The file's sync marker: the last 16 bytes of its header, or null if they cannot be read. */
        private byte[] syncMarker() {
            try {
                return headerEnd < SYNC_SIZE ? null : readAt(headerEnd - SYNC_SIZE, SYNC_SIZE);
            } catch (IOException e) {
                return null;
            }
        }

        private byte[] readAt(long position, int length) throws IOException {
            stream.seek(position);
            byte[] b = new byte[(int) Math.max(0, Math.min(length, fileLen - position))];
            int n = 0;
            while (n < b.length) {
                int got = stream.read(b, n, b.length - n);
                if (got < 0) {
                    break;
                }
                n += got;
            }
            return n == b.length ? b : java.util.Arrays.copyOf(b, n);
        }

        private Decoded rejected(long from, long to, String reason, UnreadBlocks unread) {
            return Decoded.rejected(new Rejection("bytes " + from + ".." + to + " of the file", null, reason,
                    record + 1, null, unread));
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

    private static final int SYNC_SIZE = 16;

    /** Block headers followed from a start: the block starts (the last one: where the walk ended) and counts. */
    private static final class Walk {
        final long fileLen;
        final List<Long> starts = new ArrayList<>();
        final List<Long> counts = new ArrayList<>();

        Walk(long fileLen) {
            this.fileLen = fileLen;
        }

        /**
         * The records declared by the blocks from the start to {@code end}, less those already read
         * from the first; unknown unless the walk reached {@code end} exactly, or ran past it at the
         * end of a cut file.
         */
        UnreadBlocks to(long end, long alreadyRead) {
            long records = 0;
            for (int i = 0; i < counts.size(); i++) {
                records += counts.get(i);
                long next = starts.get(i + 1);
                if (next == end || (next > end && end == fileLen && i == counts.size() - 1)) {
                    long unread = records - alreadyRead;
                    return unread >= 1 ? new UnreadBlocks(i + 1, unread) : unknown();
                }
                if (next > end) {
                    break;
                }
            }
            return unknown();
        }

        private static UnreadBlocks unknown() {
            return new UnreadBlocks(1, UnreadBlocks.UNKNOWN);
        }
    }

    /** A zig-zag varint long at {@code off}: {value, end offset}, or null if the bytes end first or it is too long. */
    private static long[] varint(byte[] b, int off) {
        long v = 0;
        for (int i = off, shift = 0; i < b.length && shift < 64; i++, shift += 7) {
            v |= (long) (b[i] & 0x7f) << shift;
            if ((b[i] & 0x80) == 0) {
                return new long[] {(v >>> 1) ^ -(v & 1), i + 1};
            }
        }
        return null;
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

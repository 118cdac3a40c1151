package io.carekpi.connectors.files;

import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.events.Rejection;
import io.carekpi.io.EventDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>Every line is accounted for: lines end at {@code \n} only (a {@code \r} before it is dropped;
 * a lone {@code \r} elsewhere is part of the line, so it neither splits a line nor shifts later
 * line numbers); a UTF-8 byte order mark at the start of the file is skipped; a line that is not
 * valid UTF-8 is rejected with its own bytes, never silently repaired; a line longer than
 * {@link #MAX_LINE_BYTES} is rejected with its first {@link #KEPT_BYTES} bytes and its length, and
 * never held in memory whole.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;

    /** The longest line read as an event; an event is a few hundred bytes. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /** How much of a longer line its dead letter keeps. */
    static final int KEPT_BYTES = 4096;

    private final EventDecoder decoder;

    public JsonLinesFormat(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream, decoder);
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }

    private static final class LineReader implements StreamFormat.Reader<Decoded> {
        private final InputStream in;
        private final EventDecoder decoder;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private boolean eof;
        private long line;
        /** The current line's bytes (at most MAX_LINE_BYTES kept) and its full length. */
        private byte[] lineBytes = new byte[1024];
        private int kept;
        private long length;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private CharBuffer chars = CharBuffer.allocate(1024);

        LineReader(InputStream in, EventDecoder decoder) {
            this.in = in;
            this.decoder = decoder;
        }

        @Override
        public Decoded read() throws IOException {
            while (nextLine()) {
                line++;
                int from = line == 1 && startsWithBom() ? 3 : 0;
                if (length > MAX_LINE_BYTES) {
                    return oversize();
                }
                if (isBlank(from)) {
                    continue;
                }
                return decode(from);
            }
            return null;
        }

        private Decoded decode(int from) {
            ByteBuffer bytes = ByteBuffer.wrap(lineBytes, from, kept - from);
            if (chars.capacity() < kept - from) {
                chars = CharBuffer.allocate(kept - from); // UTF-8 never has more chars than bytes
            }
            chars.clear();
            utf8.reset();
            CoderResult result = utf8.decode(bytes, chars, true);
            if (result.isError()) {
                byte[] original = Arrays.copyOfRange(lineBytes, from, kept);
                String lossy = new String(original, StandardCharsets.UTF_8);
                return Decoded.rejected(new Rejection(lossy, original, "invalid UTF-8 at byte " + (bytes.position() - from)
                        + " of the line", line, null));
            }
            utf8.flush(chars);
            return decoder.decode(RawInput.json(chars.flip().toString(), line));
        }

        private Decoded oversize() {
            String head = new String(lineBytes, 0, Math.min(kept, KEPT_BYTES), StandardCharsets.UTF_8);
            return Decoded.rejected(new Rejection(head + "…[truncated: " + length + " bytes]", null,
                    "line of " + length + " bytes is too long (at most " + MAX_LINE_BYTES + ")", line, null));
        }

        /** Reads the next line into lineBytes; false at the end of the file. */
        private boolean nextLine() throws IOException {
            kept = 0;
            length = 0;
            while (true) {
                if (pos == limit && !fill()) {
                    return length > 0;
                }
                int start = pos;
                while (pos < limit && buf[pos] != '\n') {
                    pos++;
                }
                keep(start, pos);
                if (pos < limit) {
                    pos++; // the '\n'
                    if (kept > 0 && kept == length && lineBytes[kept - 1] == '\r') {
                        kept--; // "\r\n" ends the line like "\n"
                        length--;
                    }
                    return true;
                }
            }
        }

        private void keep(int from, int to) {
            int n = to - from;
            length += n;
            int room = MAX_LINE_BYTES - kept;
            int take = Math.min(n, Math.max(room, 0));
            if (length > MAX_LINE_BYTES) {
                take = Math.min(take, Math.max(KEPT_BYTES - kept, 0)); // an oversize line: keep only its head
            }
            if (take > 0) {
                if (kept + take > lineBytes.length) {
                    lineBytes = Arrays.copyOf(lineBytes, Math.max(kept + take, lineBytes.length * 2));
                }
                System.arraycopy(buf, from, lineBytes, kept, take);
                kept += take;
            }
        }

        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        private boolean startsWithBom() {
            return kept >= 3 && (lineBytes[0] & 0xff) == 0xEF && (lineBytes[1] & 0xff) == 0xBB
                    && (lineBytes[2] & 0xff) == 0xBF;
        }

        private boolean isBlank(int from) {
            for (int i = from; i < kept; i++) {
                byte b = lineBytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

package io.carekpi.kpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The byte encoding of the compact state forms ({@link RememberedConversation}, {@link RememberedOpenings}). */
final class CompactBytes {
    private CompactBytes() {}

    /** Varints (LEB128) and zig-zag varints for signed values, as in Avro and protobuf. */
    static final class Writer extends ByteArrayOutputStream {
        Writer() {
            super(96);
        }

        void varlong(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void varint(int v) {
            varlong(v & 0xFFFFFFFFL);
        }

        void signed(long v) {
            varlong((v << 1) ^ (v >> 63));
        }

        void fixed64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }

        /** Null as 0, else 1 + the UTF-8 length, then the bytes. */
        void text(String s) {
            if (s == null) {
                write(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length + 1);
            write(b, 0, b.length);
        }

        void channel(String channel) {
            int known = channel == null ? -1 : RememberedConversation.CHANNELS_V1.indexOf(channel);
            write(known + 1);
            if (known < 0) {
                text(channel);
            }
        }
    }

    static final class Reader {
        private final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int next() {
            if (pos >= b.length) {
                throw new IllegalStateException("compact state ends early (" + b.length + " bytes)");
            }
            return b[pos++] & 0xFF;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = next();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("compact state: varint longer than 64 bits");
        }

        int varint() {
            return (int) varlong();
        }

        long signed() {
            long z = varlong();
            return (z >>> 1) ^ -(z & 1);
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) next() << (8 * i);
            }
            return v;
        }

        String text() {
            int n = varint();
            if (n == 0) {
                return null;
            }
            n -= 1;
            if (n > b.length - pos) {
                throw new IllegalStateException("compact state: text longer than the state");
            }
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        String channel() {
            int known = next();
            return known == 0 ? text() : RememberedConversation.CHANNELS_V1.get(known - 1);
        }

        void expectEnd(String what) {
            if (pos != b.length) {
                throw new IllegalStateException(what + ": "
                        + (b.length - pos) + " unread bytes of " + b.length + " " + Arrays.toString(
                        Arrays.copyOfRange(b, pos, Math.min(b.length, pos + 8))));
            }
        }
    }
}

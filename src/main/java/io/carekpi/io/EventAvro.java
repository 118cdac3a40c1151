package io.carekpi.io;

import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The Avro binary forms of {@link InteractionEvent} on Kafka: single-object encoding (header
 * {@code C3 01} + schema fingerprint, so writers may evolve the schema) or the bare record.
 */
public final class EventAvro {
    /**
     * Largest string (and byte or collection length) Avro may allocate while decoding. A corrupted
     * length prefix otherwise makes Avro allocate up to 2 GiB for a 100-byte record, and a single
     * bad record on Kafka would take the job down with an OutOfMemoryError. Nothing legitimate in
     * an event comes near: Kafka's default record limit is 1 MiB.
     */
    public static final int MAX_DECODED_LENGTH = 1 << 20;

    static {
        limitAvroAllocations();
    }

    private static final ThreadLocal<SpecificDatumReader<InteractionEvent>> READER =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(InteractionEvent.class));

    private EventAvro() {}

    /**
     * Sets Avro's decoding limits (unless the JVM was started with them) and makes Avro re-read
     * them, since it reads them once at class initialisation.
     */
    public static void limitAvroAllocations() {
        String max = Integer.toString(MAX_DECODED_LENGTH);
        for (String p : new String[] {SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY}) {
            if (System.getProperty(p) == null) {
                System.setProperty(p, max);
            }
        }
        try {
            java.lang.reflect.Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot apply Avro decoding limits; start the JVM with -D"
                    + SystemLimitException.MAX_STRING_LENGTH_PROPERTY + "=" + max, e);
        }
    }

    public static boolean isSingleObject(byte[] bytes) {
        return bytes.length >= 10 && (bytes[0] & 0xff) == 0xC3 && bytes[1] == 0x01;
    }

    public static InteractionEvent decode(byte[] bytes) throws InvalidEventException {
        try {
            if (isSingleObject(bytes)) {
                return InteractionEvent.getDecoder().decode(bytes);
            }
            BinaryDecoder d = DecoderFactory.get().binaryDecoder(bytes, null);
            InteractionEvent e = READER.get().read(null, d);
            if (!d.isEnd()) {
                throw new InvalidEventException("Avro record has " + (bytes.length) + " bytes, trailing bytes after the record");
            }
            return e;
        } catch (MissingSchemaException e) {
            throw new InvalidEventException("Avro single-object encoding with an unknown schema fingerprint", e);
        } catch (BadHeaderException e) {
            throw new InvalidEventException("bad Avro single-object header: " + e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | IllegalArgumentException e) {
            throw new InvalidEventException("undecodable Avro record: " + e, e);
        }
    }

    /** Single-object encoding of an event (what the simulator and tests produce). */
    public static byte[] encode(InteractionEvent e) {
        try {
            ByteBuffer buf = InteractionEvent.getEncoder().encode(e);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode " + e.getEventId(), ex);
        }
    }
}

package io.carekpi.io;

import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
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
    private static final ThreadLocal<SpecificDatumReader<InteractionEvent>> READER =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(InteractionEvent.class));

    private EventAvro() {}

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

package io.carekpi.io;

import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The Avro binary forms of {@link InteractionEvent} on Kafka: single-object encoding (header
 * {@code C3 01} + schema fingerprint, so writers may evolve the schema), the Confluent Schema
 * Registry wire format (magic byte {@code 00} + the 4-byte id of the writer schema in a registry,
 * read when the job is given one: {@link WriterSchemas}), or the bare record.
 *
 * <p>A single-object record is read with the schema its fingerprint names, resolved to the compiled
 * one, when that schema is a released version ({@link #RELEASED}, kept in {@code schemas/history/}):
 * producers still on an older version, or already on a newer one whose schema was added to the
 * history before they switched, are decoded; an unknown fingerprint is a dead letter. A bare record
 * carries no schema: it must be written with the compiled schema.
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

    /**
     * The released versions of {@link InteractionEvent}'s schema, oldest first: the files of
     * {@code schemas/history/}, on the classpath under {@value #HISTORY}. The last one is the schema
     * this build is compiled with; every one must stay compatible with it both ways.
     */
    public static final List<String> RELEASED = List.of("InteractionEvent-v1.avsc", "InteractionEvent-v2.avsc");

    static final String HISTORY = "/io/carekpi/schema/history/";

    private static final List<Schema> RELEASED_SCHEMAS = loadReleased();

    private static final BinaryMessageDecoder<InteractionEvent> SINGLE_OBJECT = singleObjectDecoder(RELEASED_SCHEMAS);

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

    /**
     * The Confluent wire format: magic byte 0, then a 4-byte schema id. A bare record never starts
     * with 0 (its first field, {@code eventId}, is a non-empty string: its length comes first).
     */
    public static boolean isConfluentFramed(byte[] bytes) {
        return bytes.length >= 5 && bytes[0] == 0;
    }

    /** The schema id of a record in the Confluent wire format. */
    public static int confluentSchemaId(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    /** Datum readers from a registry's writer schemas to the compiled one, per thread and schema. */
    private static final ThreadLocal<java.util.Map<Schema, SpecificDatumReader<InteractionEvent>>> REGISTRY_READERS =
            ThreadLocal.withInitial(java.util.HashMap::new);

    /** The schemas of {@link #RELEASED}, in that order. */
    public static List<Schema> releasedSchemas() {
        return RELEASED_SCHEMAS;
    }

    private static List<Schema> loadReleased() {
        List<Schema> out = new ArrayList<>();
        for (String file : RELEASED) {
            try (InputStream in = EventAvro.class.getResourceAsStream(HISTORY + file)) {
                if (in == null) {
                    throw new IllegalStateException("released schema " + HISTORY + file + " is not on the classpath");
                }
                out.add(new Schema.Parser().parse(in));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the released schema " + file, e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * A single-object decoder into the compiled {@link InteractionEvent} that knows, besides the
     * compiled schema, the given writer schemas (by their fingerprints).
     */
    public static BinaryMessageDecoder<InteractionEvent> singleObjectDecoder(Collection<Schema> writerSchemas) {
        SchemaStore.Cache known = new SchemaStore.Cache();
        writerSchemas.forEach(known::addSchema);
        return InteractionEvent.createDecoder(known);
    }

    public static InteractionEvent decode(byte[] bytes) throws InvalidEventException {
        return decode(bytes, SINGLE_OBJECT);
    }

    /** {@link #decode(byte[])} with another single-object decoder (tests: other known writer schemas). */
    public static InteractionEvent decode(byte[] bytes, BinaryMessageDecoder<InteractionEvent> singleObject)
            throws InvalidEventException {
        return decode(bytes, singleObject, null);
    }

    /**
     * {@link #decode(byte[])}, and records in the Confluent wire format with their writer schema
     * from {@code registry} (null: none, and such a record is a dead letter that says so).
     */
    public static InteractionEvent decode(byte[] bytes, WriterSchemas registry) throws InvalidEventException {
        return decode(bytes, SINGLE_OBJECT, registry);
    }

    private static InteractionEvent decode(byte[] bytes, BinaryMessageDecoder<InteractionEvent> singleObject,
            WriterSchemas registry) throws InvalidEventException {
        if (isConfluentFramed(bytes)) {
            int id = confluentSchemaId(bytes);
            if (registry == null) {
                throw new InvalidEventException("Confluent Schema Registry wire format (magic byte 0, schema id " + id
                        + "): the job reads it when given the registry (run --schema-registry-url)");
            }
            Schema writer = registry.byId(id);
            SpecificDatumReader<InteractionEvent> reader = REGISTRY_READERS.get().computeIfAbsent(writer,
                    w -> new SpecificDatumReader<>(w, InteractionEvent.getClassSchema()));
            try {
                BinaryDecoder d = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
                InteractionEvent e = reader.read(null, d);
                if (!d.isEnd()) {
                    throw new InvalidEventException("Avro record of schema id " + id + " has " + bytes.length
                            + " bytes, trailing bytes after the record");
                }
                return e;
            } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                     | IllegalArgumentException | ClassCastException e) {
                throw new InvalidEventException("undecodable Avro record of schema id " + id + ": " + e, e);
            }
        }
        try {
            if (isSingleObject(bytes)) {
                // Read from a stream (Avro reads it unbuffered) to see what is left after the record.
                java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
                InteractionEvent e = singleObject.decode(in, null);
                if (in.available() > 0) {
                    throw new InvalidEventException("Avro single-object record has " + bytes.length + " bytes, "
                            + in.available() + " trailing bytes after the record");
                }
                return e;
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

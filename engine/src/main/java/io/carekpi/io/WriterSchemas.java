package io.carekpi.io;

import java.io.Serializable;
import org.apache.avro.Schema;

/**
 * Where the writer schemas of records in the Confluent Schema Registry wire format come from: a
 * schema registry, looked up by the schema id each record carries ({@link EventAvro}). Kept
 * apart from any registry client, so the formats stay plain Java.
 */
public interface WriterSchemas extends Serializable {
    /**
     * The schema registered under {@code id}.
     *
     * @throws InvalidEventException if the registry has no schema with that id (the record is a
     *     dead letter)
     * @throws RegistryUnavailableException if the registry cannot be asked now (the record is not
     *     at fault: the job fails and retries from its last checkpoint, losing nothing)
     */
    Schema byId(int id) throws InvalidEventException;

    /** The registry could not be asked: a failure of the job, never of the record. */
    final class RegistryUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

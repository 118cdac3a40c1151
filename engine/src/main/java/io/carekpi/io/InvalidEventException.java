package io.carekpi.io;

/** A record that cannot be decoded into an InteractionEvent; the message is the dead-letter reason. */
public class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidEventException(String reason) {
        super(reason);
    }

    public InvalidEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

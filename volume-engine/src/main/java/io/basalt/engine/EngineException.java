package io.basalt.engine;

/**
 * Every failure the engine reports. Callers branch on {@link #kind()}, never on the message:
 * the iSCSI layer maps kinds to sense codes in one place, the admin API to HTTP statuses.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms a caller can act on. */
    public enum Kind {
        /** A named volume or snapshot does not exist. */
        NOT_FOUND,
        /** A name is taken by an object with a different specification. */
        ALREADY_EXISTS,
        /** An argument is out of range or misaligned. */
        INVALID_ARGUMENT,
        /** The operation conflicts with the object's state (e.g. deleting a snapshot a clone needs). */
        CONFLICT,
        /** The disk is full (or below the configured reserve); nothing acknowledged was lost. */
        NO_SPACE,
        /** Stored data failed its checksum; see {@link MediumErrorException}. */
        MEDIUM_ERROR,
        /** The engine is closed or closing. */
        CLOSED,
        /** An unexpected I/O failure of the underlying files. */
        IO_ERROR
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

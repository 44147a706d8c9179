package io.basalt.coordination;

/**
 * Every failure of {@link ClusterStore}. Callers branch on {@link #kind()}, never on the message.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms a caller can act on. */
    public enum Kind {
        /** The znode (or, in a transaction, one of them) does not exist. */
        NOT_FOUND,
        /** A create found the znode already there. */
        ALREADY_EXISTS,
        /** A compare-and-set found another version: someone else changed it first. */
        VERSION_CONFLICT,
        /** Not connected to ZooKeeper (suspended, lost, or never connected); try later. */
        UNAVAILABLE,
        /** The znode holds bytes that do not decode as the expected record. */
        CORRUPT,
        /** Anything else ZooKeeper refused. */
        FAILED
    }

    private final Kind kind;
    private final String path;

    public StoreException(Kind kind, String path, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.path = path;
    }

    public Kind kind() {
        return kind;
    }

    /** The path (inside the /basalt namespace) the failed operation was about, or null. */
    public String path() {
        return path;
    }
}

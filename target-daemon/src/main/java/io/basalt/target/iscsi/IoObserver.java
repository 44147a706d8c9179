package io.basalt.target.iscsi;

/**
 * Told of every completed read and write and of sessions coming and going (metrics). Called on
 * event loops: must not block.
 */
public interface IoObserver {
    IoObserver NONE = new IoObserver() {
    };

    default void read(String volume, long bytes, long nanos) {
    }

    default void written(String volume, long bytes, long nanos) {
    }

    default void sessionOpened() {
    }

    default void sessionClosed() {
    }
}

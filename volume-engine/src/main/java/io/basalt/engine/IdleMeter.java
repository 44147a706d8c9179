package io.basalt.engine;

import java.util.function.LongSupplier;

/**
 * Tells an idle engine from a busy one for background work (zero-filling spare segments,
 * cleaning): idle means fewer than {@link #IDLE_OPS} operations and fewer than
 * {@link #IDLE_BYTES} bytes since the previous look. Not thread-safe: one caller (the
 * maintenance thread) looks.
 */
final class IdleMeter {
    static final long IDLE_OPS = 64;
    static final long IDLE_BYTES = 1 << 20;

    /** Counters at one moment, to ask later whether the engine stayed quiet since. */
    record Mark(long ops, long bytes) {
    }

    private final LongSupplier ops;
    private final LongSupplier bytes;
    private Mark last;

    /** {@code ops} and {@code bytes} are running totals. */
    IdleMeter(LongSupplier ops, LongSupplier bytes) {
        this.ops = ops;
        this.bytes = bytes;
    }

    Mark mark() {
        return new Mark(ops.getAsLong(), bytes.getAsLong());
    }

    /** Whether the engine was idle since {@code m}. */
    boolean quietSince(Mark m) {
        return quiet(m, mark());
    }

    /** Whether the engine was idle since the previous look (never at the first); this is a look. */
    boolean idleSinceLastLook() {
        Mark previous = last;
        last = mark();
        return previous != null && quiet(previous, last);
    }

    private static boolean quiet(Mark from, Mark to) {
        return to.ops - from.ops < IDLE_OPS && to.bytes - from.bytes < IDLE_BYTES;
    }

    /** Starts the next interval now, so that the caller's own work is not counted. */
    void rebase() {
        last = mark();
    }
}

package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps reads of one LU from seeing part of a WRITE ATOMIC, at no cost to reads that do not
 * meet one. WRITE ATOMICs of an LU are serialised (they hold its exclusive write lock), so at
 * most one is in its device call at a time; it is published, with its range and a sequence
 * number, before that call and marked finished after it. A read notes the latest one before
 * and after reading:
 * <ul>
 * <li>the same, finished or elsewhere: nothing of an atomic write could be seen in part;</li>
 * <li>one more, elsewhere: it started during the read but wrote only its own range;</li>
 * <li>otherwise (it overlaps, or several ran): the read is redone.</li>
 * </ul>
 * A read that overlaps the running one waits for it first ({@link #readable} tells the event
 * loop's non-blocking path to leave such a read to a worker). Ranges are widened to whole
 * 4 KiB engine blocks, the unit the engine rewrites. Thread-safe.
 */
final class AtomicWrites {
    /** One WRITE ATOMIC, in bytes [from, to) widened to engine blocks. */
    static final class Write {
        final long seq;
        final long from;
        final long to;
        final CompletableFuture<Void> finished = new CompletableFuture<>();

        Write(long seq, long from, long to) {
            this.seq = seq;
            this.from = from;
            this.to = to;
        }

        boolean overlaps(long offset, long length) {
            return offset < to && from < offset + length;
        }

        boolean runningOver(long offset, long length) {
            return !finished.isDone() && overlaps(offset, length);
        }
    }

    private static final long ENGINE_BLOCK = BlockLimits.PHYSICAL_BLOCK;
    private final AtomicReference<Write> latest;

    AtomicWrites() {
        Write none = new Write(0, 0, 0);
        none.finished.complete(null);
        latest = new AtomicReference<>(none);
    }

    /** Runs {@code write}, the device call of a WRITE ATOMIC of [offset, offset+length); the caller serialises these. */
    <T> T run(long offset, long length, Supplier<T> write) {
        long from = offset & -ENGINE_BLOCK;
        long to = (offset + length + ENGINE_BLOCK - 1) & -ENGINE_BLOCK;
        Write w = new Write(latest.get().seq + 1, from, to);
        latest.set(w);
        try {
            return write.get();
        } finally {
            w.finished.complete(null);
        }
    }

    /**
     * Before a read: waits while a running WRITE ATOMIC overlaps the range, and returns the
     * token {@link #unchanged} checks after the read.
     */
    Write beginRead(long offset, long length) {
        while (true) {
            Write w = latest.get();
            if (!w.runningOver(offset, length)) {
                return w;
            }
            w.finished.join();
        }
    }

    /** Non-blocking {@link #beginRead}: null when a running WRITE ATOMIC overlaps the range. */
    Write readable(long offset, long length) {
        Write w = latest.get();
        return w.runningOver(offset, length) ? null : w;
    }

    /** After a read begun with {@code before}: whether it may have seen part of a WRITE ATOMIC. */
    boolean unchanged(Write before, long offset, long length) {
        Write now = latest.get();
        return now == before || (now.seq == before.seq + 1 && !now.overlaps(offset, length));
    }
}

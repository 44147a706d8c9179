package io.basalt.engine;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Asks Linux for a short time slice for the calling thread: EEVDF's custom slice
 * ({@code sched_attr.sched_runtime} of a SCHED_OTHER thread, Linux 6.12 and later). A thread
 * with a shorter slice gets an earlier deadline, so when it wakes it preempts a thread that
 * has run longer sooner, instead of waiting out that thread's slice (1.4 ms on two cores by
 * default). Fairness is unchanged: the thread gets no more CPU, only sooner. No privilege is
 * needed, and the thread's policy and nice value are kept.
 *
 * <p>For the threads that hand each I/O on (the iSCSI event loops and workers, the log's
 * syncer): on two cores, each of them otherwise waits for a core after every wake-up while
 * the others run. Measured on FUA writes at queue depth 32 (docs/benchmarks.md). Elsewhere
 * (other kernels, other systems) this does nothing; {@code -Dbasalt.threadSliceMicros=0}
 * turns it off.
 */
public final class ThreadLatency {
    private static final Logger LOG = Logger.getLogger(ThreadLatency.class.getName());

    /** Slice asked for, in microseconds (the kernel keeps it within 100 µs..100 ms); 0: off. */
    static final long SLICE_MICROS = Long.getLong("basalt.threadSliceMicros", 100);

    private static final int SCHED_OTHER = 0;
    private static final long SCHED_FLAG_RESET_ON_FORK = 0x01;
    private static final int ATTR_SIZE = 48; // SCHED_ATTR_SIZE_VER0

    private ThreadLatency() {
    }

    /** sched_setattr and sched_getattr's syscall numbers on this machine; -1 where unknown. */
    private static final class Native {
        static final long GETATTR;
        static final long SETATTR;

        static {
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            long get = -1;
            long set = -1;
            if (Libc.LINUX && (arch.equals("amd64") || arch.equals("x86_64"))) {
                set = 314;
                get = 315;
            } else if (Libc.LINUX && arch.equals("aarch64")) {
                set = 274;
                get = 275;
            }
            GETATTR = get;
            SETATTR = set;
        }
    }

    /**
     * Gives the calling thread the short slice if it runs under SCHED_OTHER; returns whether
     * the kernel took the request (an older kernel accepts it and ignores the slice).
     */
    public static boolean shortSlice() {
        if (SLICE_MICROS <= 0) {
            return false;
        }
        try {
            return setSlice(Math.min(SLICE_MICROS, 100_000) * 1000);
        } catch (Throwable e) { // a hint only: the syncer and the workers call this before their loops
            LOG.log(Level.FINE, "cannot ask for a short slice", e);
            return false;
        }
    }

    /** Sets the calling thread's slice in nanoseconds (0: back to the default). */
    static boolean setSlice(long nanos) {
        Libc.Api libc = Libc.API;
        if (libc == null || Native.SETATTR < 0) {
            return false;
        }
        Pointer attr = Memory.allocateDirect(Runtime.getRuntime(libc), ATTR_SIZE, true);
        if (libc.syscall(Native.GETATTR, 0, attr, ATTR_SIZE, 0) != 0) {
            int errno = Libc.errno();
            LOG.fine(() -> "sched_getattr failed, errno " + errno);
            return false;
        }
        if (attr.getInt(4) != SCHED_OTHER) {
            return false; // a batch, idle or real-time thread is left as the operator set it
        }
        attr.putInt(0, ATTR_SIZE);
        // Threads this one starts (a pool growing, say) begin with the default slice again.
        attr.putLong(8, SCHED_FLAG_RESET_ON_FORK);
        attr.putLong(24, nanos); // sched_runtime; policy, nice and priority stay as read
        if (libc.syscall(Native.SETATTR, 0, attr, 0, 0) != 0) {
            int errno = Libc.errno();
            LOG.fine(() -> "sched_setattr failed, errno " + errno);
            return false;
        }
        return true;
    }
}

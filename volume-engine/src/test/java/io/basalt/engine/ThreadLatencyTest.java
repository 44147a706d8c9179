package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The slice request reaches the kernel for the calling thread only, and can be undone. */
class ThreadLatencyTest {
    private static final Path SCHED = Path.of("/proc/thread-self/sched");

    /** The calling thread's EEVDF slice in nanoseconds, as the kernel reports it; -1 if it does not. */
    private static long slice() throws IOException {
        for (String line : Files.readAllLines(SCHED)) {
            if (line.startsWith("se.slice")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            int ma = Integer.parseInt(v[0]);
            int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Test
    void theCallingThreadGetsTheShortSliceAndOthersKeepTheirs() throws Exception {
        assumeTrue(Files.isReadable(SCHED) && slice() > 0, "this kernel does not report se.slice (Linux 6.6+ with sched debug)");
        assumeTrue(kernelAtLeast(6, 12), "before Linux 6.12 the kernel ignores a SCHED_OTHER thread's sched_runtime");
        assumeTrue(ThreadLatency.SLICE_MICROS > 0, "turned off with -Dbasalt.threadSliceMicros=0");
        AtomicLong before = new AtomicLong();
        AtomicLong after = new AtomicLong();
        AtomicLong restored = new AtomicLong();
        AtomicLong child = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long mine = slice();
        Thread t = new Thread(() -> {
            try {
                before.set(slice());
                assertTrue(ThreadLatency.shortSlice(), "sched_setattr refused");
                after.set(slice());
                Thread started = new Thread(() -> {
                    try {
                        child.set(slice());
                    } catch (IOException e) {
                        child.set(-2);
                    }
                });
                started.start();
                started.join();
                assertTrue(ThreadLatency.setSlice(0));
                restored.set(slice());
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(ThreadLatency.SLICE_MICROS * 1000, after.get());
        assertTrue(before.get() > after.get(), "the default slice " + before.get() + " is not longer");
        assertEquals(before.get(), restored.get(), "back to the default slice");
        assertEquals(before.get(), child.get(), "a thread it starts begins with the default slice");
        assertEquals(mine, slice(), "the test's own thread is untouched");
    }
}

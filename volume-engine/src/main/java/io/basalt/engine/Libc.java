package io.basalt.engine;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The C library, bound once through jnr-ffi for the engine's Linux-only calls
 * ({@link ThreadLatency}, {@link WriteOut}, {@link Segment#firstHole}). {@link #API} is null
 * on other systems and when the binding cannot be made; the callers then run without what
 * they add.
 */
final class Libc {
    private static final Logger LOG = Logger.getLogger(Libc.class.getName());

    private Libc() {
    }

    /** The functions used; unused trailing arguments of syscall(2) are ignored by the kernel. */
    public interface Api {
        @SaveError
        long syscall(long number, long a, Pointer b, long c, long d);

        @SaveError
        int sync_file_range(int fd, long offset, long nbytes, int flags);

        @SaveError
        long lseek(int fd, long offset, int whence);
    }

    static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    static final Api API = load();

    private static Api load() {
        if (!LINUX) {
            return null;
        }
        try {
            return LibraryLoader.create(Api.class).load("c");
        } catch (Throwable e) { // a missing native stub: nothing to do but run without
            LOG.log(Level.WARNING, "no binding to the C library: no short scheduler slices, zero-fills unpaced,"
                    + " no background write-out of segments, segment holes not detected", e);
            return null;
        }
    }

    /** errno of the last call this thread made through {@link #API}. */
    static int errno() {
        return Runtime.getRuntime(API).getLastError();
    }
}

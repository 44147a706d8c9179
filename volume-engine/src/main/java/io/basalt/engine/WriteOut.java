package io.basalt.engine;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a file range's dirty pages to the disk and waits for them, without a cache flush
 * or a journal commit: Linux's sync_file_range(2) with WRITE and WAIT_AFTER. Not a durability
 * tool (no flush, no metadata); the callers use it to pace bulk writes (zero-fills, and the
 * background write-out of segments behind the log), so that no more than one piece of them
 * sits in the disk's queue ahead of the log's fdatasyncs.
 *
 * <p>Reaching the descriptor of a FileChannel needs the {@code --add-opens
 * java.base/sun.nio.ch} that LMDB needs anyway. Where anything is missing (another OS, no
 * opens, no native stub) {@link #available()} is false and {@link #writeOut} does nothing:
 * zero-fills then go out unpaced, as one burst at their final sync, and appended segments wait
 * for the log's next fdatasync.
 */
final class WriteOut {
    private static final Logger LOG = Logger.getLogger(WriteOut.class.getName());
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;
    /** errno values that mean "not here" (a descriptor or call this system will not take). */
    private static final int EBADF = 9;
    private static final int EINVAL = 22;
    private static final int ESPIPE = 29;
    private static final int ENOSYS = 38;
    /** Cleared after a call that could not be made at all (a missing native symbol, say). */
    private static volatile boolean usable = true;

    private WriteOut() {
    }

    /** The reflection that reaches a FileChannel's descriptor; null without the opens. */
    private static final class Native {
        static final Field FD;
        static final Method FD_VAL;

        static {
            Field fd = null;
            Method fdVal = null;
            if (Libc.API != null) {
                try {
                    fd = Class.forName("sun.nio.ch.FileChannelImpl").getDeclaredField("fd");
                    fd.setAccessible(true);
                    fdVal = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("fdVal", FileDescriptor.class);
                    fdVal.setAccessible(true);
                } catch (ReflectiveOperationException | RuntimeException e) { // no opens: bulk writes go unpaced
                    LOG.log(Level.WARNING, "no descriptor of a FileChannel (add --add-opens java.base/sun.nio.ch=ALL-UNNAMED):"
                            + " zero-fills are not paced and segments are not written out in the background", e);
                    fd = null;
                    fdVal = null;
                }
            }
            FD = fd;
            FD_VAL = fdVal;
        }
    }

    /** Whether a FileChannel's descriptor number can be reached ({@link #fdOf}). */
    static boolean descriptorsReachable() {
        return Native.FD_VAL != null;
    }

    static boolean available() {
        return Native.FD_VAL != null && usable;
    }

    /** The descriptor number of an open channel (-1 once closed). */
    static int fdOf(FileChannel ch) throws ReflectiveOperationException {
        return (int) Native.FD_VAL.invoke(null, (FileDescriptor) Native.FD.get(ch));
    }

    /**
     * Writes [offset, offset + length) of the file out and waits for it. Returns false, having
     * done nothing, when that is not possible here (no binding, a closed channel, a file that
     * takes no such call); throws when the kernel reports a write error, which a later fsync
     * on the same descriptor would no longer report (Linux hands each error out once).
     */
    static boolean writeOut(FileChannel ch, long offset, long length) throws IOException {
        if (!available()) {
            return false;
        }
        int rc;
        try {
            rc = Libc.API.sync_file_range(fdOf(ch), offset, length, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            usable = false;
            LOG.log(Level.WARNING, "sync_file_range cannot be called: zero-fills are no longer paced and"
                    + " segments no longer written out in the background", e);
            return false;
        }
        if (rc == 0) {
            return true;
        }
        int errno = Libc.errno();
        if (errno == EBADF || errno == EINVAL || errno == ESPIPE || errno == ENOSYS) {
            return false;
        }
        throw new IOException("writing out bytes " + offset + ".." + (offset + length) + " failed, errno " + errno);
    }
}

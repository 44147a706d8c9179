package io.basalt.engine;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * Writes a file range's dirty pages to the disk and waits for them, without a cache flush
 * or a journal commit: Linux's sync_file_range(2) with WRITE and WAIT_AFTER. Not a durability
 * tool (no flush, no metadata); the callers use it to pace bulk writes, so that no more than
 * one piece of them sits in the disk's queue ahead of the log's fdatasyncs.
 *
 * <p>Reaching the descriptor of a FileChannel needs the {@code --add-opens
 * java.base/sun.nio.ch} that LMDB needs anyway. Where anything is missing (another OS, no
 * opens, no native stub) {@link #available()} is false and {@link #writeOut} does nothing.
 */
final class WriteOut {
    private static final Logger LOG = Logger.getLogger(WriteOut.class.getName());
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;

    private WriteOut() {
    }

    /** The C library's sync_file_range(2). */
    public interface LibC {
        @SaveError
        int sync_file_range(int fd, long offset, long nbytes, int flags);
    }

    private static final class Native {
        static final LibC LIBC;
        static final Field FD;
        static final Method FD_VAL;

        static {
            LibC lib = null;
            Field fd = null;
            Method fdVal = null;
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                try {
                    Class<?> impl = Class.forName("sun.nio.ch.FileChannelImpl");
                    fd = impl.getDeclaredField("fd");
                    fd.setAccessible(true);
                    fdVal = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("fdVal", FileDescriptor.class);
                    fdVal.setAccessible(true);
                    lib = LibraryLoader.create(LibC.class).load("c");
                } catch (Throwable e) { // no opens or no native stub: bulk writes go unpaced
                    LOG.log(Level.FINE, "no sync_file_range: bulk writes are not paced", e);
                    lib = null;
                }
            }
            LIBC = lib;
            FD = fd;
            FD_VAL = fdVal;
        }
    }

    static boolean available() {
        return Native.LIBC != null;
    }

    /**
     * Writes [offset, offset + length) of the file out and waits for it; false (having done
     * nothing, or failed) when that is not possible here. Never throws: pacing is a courtesy.
     */
    static boolean writeOut(FileChannel ch, long offset, long length) {
        if (Native.LIBC == null) {
            return false;
        }
        try {
            int fd = (int) Native.FD_VAL.invoke(null, (FileDescriptor) Native.FD.get(ch));
            return Native.LIBC.sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "sync_file_range failed", e);
            return false;
        }
    }
}

package io.basalt.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.util.logging.Logger;

/**
 * Releases a file mapping at once instead of at some later garbage collection, so a deleted
 * segment's disk space is freed when the cleaner deletes it. Uses sun.misc.Unsafe.invokeCleaner
 * (module jdk.unsupported); without it the mapping is left to the garbage collector.
 */
final class Unmapper {
    private static final Logger LOG = Logger.getLogger(Unmapper.class.getName());
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            m = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("segment mappings will be released by the garbage collector: " + e);
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = m;
    }

    private Unmapper() {
    }

    static void unmap(MappedByteBuffer map) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, map);
        } catch (ReflectiveOperationException e) {
            LOG.warning("cannot unmap a segment: " + e);
        }
    }
}

package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.reflect.Method;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Logger;

/**
 * One segment file. Appends go through {@link SegmentLog} (one writer); reads are positional,
 * concurrent and take no lock: when the cleaner closes a segment under a reader, the read
 * fails with ClosedChannelException, reported as "segment gone", and the reader re-resolves
 * the block through the index, which by then points at the copy.
 *
 * <p>Channels are made uninterruptible where the JDK allows it (it needs the same
 * {@code --add-opens java.base/sun.nio.ch} as LMDB): an interrupted thread would otherwise
 * close the channel shared by every reader (ClosedByInterruptException).
 */
final class Segment {
    private static final Logger LOG = Logger.getLogger(Segment.class.getName());
    private static final Method SET_UNINTERRUPTIBLE = uninterruptibleMethod();
    final long id;
    final Path path;
    final FileChannel channel;

    /** The whole file mapped read-only when it is preallocated: reads are then a memory copy. */
    private final MappedByteBuffer map;
    /**
     * Whether every block of the file is allocated (zero-filled, recycled, or written to its
     * end), so that fdatasync after an append flushes data without a journal commit. False for
     * a sparse new file until it has been written through.
     */
    volatile boolean allocated = true;
    /**
     * Whether the file's pages are known to be in memory: written by this process (created,
     * zero-filled) or read in by {@link #warm}. An append that ends inside a page not in memory
     * first reads that page from disk, so a thread that must not wait appends only to a cached
     * segment ({@link SegmentLog#appendWithoutRoll}). A hint: the kernel may evict pages.
     */
    volatile boolean cached;
    /** A zero-fill in place was started for this spare (tried once). Guarded by the log's lock. */
    boolean zeroFillTried;
    /** Readers inside {@link #map}; -1 once unmapped. */
    private final AtomicInteger readers = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean unmapped = new java.util.concurrent.atomic.AtomicBoolean();

    private Segment(long id, Path path, FileChannel channel, long mapBytes) throws IOException {
        this.id = id;
        this.path = path;
        this.channel = channel;
        makeUninterruptible(channel);
        boolean mappable = mapBytes > 0 && mapBytes <= Integer.MAX_VALUE && channel.size() >= mapBytes
                && MAPPED.incrementAndGet() <= MAX_MAPPED;
        if (mapBytes > 0 && !mappable) {
            MAPPED.decrementAndGet();
        }
        this.map = mappable ? channel.map(FileChannel.MapMode.READ_ONLY, 0, mapBytes) : null;
    }

    /** Mappings per process stay well below Linux's default vm.max_map_count (65530); beyond, pread. */
    private static final int MAX_MAPPED = 16_384;
    private static final AtomicInteger MAPPED = new AtomicInteger();

    private static Method uninterruptibleMethod() {
        try {
            Method m = Class.forName("sun.nio.ch.FileChannelImpl").getMethod("setUninterruptible");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("file channels stay interruptible (add --add-opens java.base/sun.nio.ch=ALL-UNNAMED): " + e);
            return null;
        }
    }

    static void makeUninterruptible(FileChannel ch) {
        if (SET_UNINTERRUPTIBLE != null) {
            try {
                SET_UNINTERRUPTIBLE.invoke(ch);
            } catch (ReflectiveOperationException e) {
                LOG.warning("cannot make a file channel uninterruptible: " + e);
            }
        }
    }

    private static final int SEEK_HOLE = 4;

    /**
     * Offset of the file's first hole (lseek SEEK_HOLE; its size when it has none; on ext4 and
     * XFS a preallocated but never written range counts as a hole too), or -1 when that cannot
     * be asked here (another OS, no binding, no {@code --add-opens}, a file system without it).
     */
    static long firstHole(FileChannel ch) throws IOException {
        if (Libc.API == null || !WriteOut.descriptorsReachable()) {
            return -1;
        }
        long at = ch.position(); // lseek moves the descriptor's offset, which the channel's appends use
        try {
            return Libc.API.lseek(WriteOut.fdOf(ch), 0, SEEK_HOLE);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        } finally {
            ch.position(at);
        }
    }

    static Path pathOf(Path dir, long id) {
        return dir.resolve(String.format("%016x.seg", id));
    }

    static long idOf(Path file) {
        String n = file.getFileName().toString();
        return Long.parseLong(n.substring(0, n.length() - 4), 16);
    }

    /**
     * Opens a segment this process made or recycled; {@code mapBytes} > 0 maps that many bytes
     * if the file is that long. It counts as allocated (the caller knows otherwise).
     */
    static Segment open(Path dir, long id, long mapBytes) throws IOException {
        return open(dir, id, mapBytes, false);
    }

    /**
     * As {@link #open(Path, long, long)}; with {@code probeHoles} (a file an earlier run left,
     * whose history this process does not know) whether it is allocated is read off the file
     * ({@link #firstHole}), so that a sparse segment stays known as sparse across a restart.
     * Files this process zero-filled are not probed: a file system that stores zero blocks as
     * holes (ZFS with compression) would report them sparse. Only a preallocated file at least
     * {@code mapBytes} long is probed; others count as allocated.
     */
    static Segment open(Path dir, long id, long mapBytes, boolean probeHoles) throws IOException {
        Path p = pathOf(dir, id);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = null;
        try {
            s = new Segment(id, p, ch, mapBytes);
            long size = ch.size();
            if (probeHoles && mapBytes > 0 && size >= mapBytes) {
                // A segment written through to its end may keep a hole after its SEAL record,
                // shorter than the largest record that did not fit.
                long hole = firstHole(ch);
                s.allocated = hole < 0 || hole >= size - RecordFormat.MAX_RECORD_BYTES - RecordFormat.SEAL_BYTES;
            }
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.closeQuietly(); // unmaps, and closes the channel
            } else {
                ch.close();
            }
            throw e;
        }
    }

    /**
     * Creates a segment. With {@code fullSize} the file gets its final length at once (sparse),
     * so it can be mapped for reads and appends never change its size; with {@code zeroFill} it
     * is also written out with zeros and synced, so that appends overwrite allocated blocks and
     * fdatasync flushes data only (no block-allocation journal commit per sync).
     */
    static Segment create(Path dir, long id, long size, boolean fullSize, boolean zeroFill) throws IOException {
        return create(dir, id, size, fullSize, zeroFill, () -> false);
    }

    /**
     * As {@link #create(Path, long, long, boolean, boolean)}; a zero-fill stops between two
     * pieces once {@code stop} says so, and the segment is then returned sparse at full size.
     */
    static Segment create(Path dir, long id, long size, boolean fullSize, boolean zeroFill, BooleanSupplier stop)
            throws IOException {
        Path p = pathOf(dir, id);
        Path tmp = dir.resolve(p.getFileName() + ".tmp");
        if (zeroFill) {
            if (zeroFill(tmp, size, stop)) {
                Files.move(tmp, p);
                Segment s = open(dir, id, size);
                s.cached = true;
                return s;
            }
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (!zeroFill) {
                ch.truncate(0);
            }
            if (fullSize || zeroFill) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, p);
        Segment s = open(dir, id, fullSize || zeroFill ? size : 0);
        s.allocated = false;
        s.cached = true; // holes, and zeros written just now
        return s;
    }

    /** Writes {@code file} out with {@code size} zero bytes and syncs it; deletes it on failure. */
    static void zeroFill(Path file, long size) throws IOException {
        zeroFill(file, size, () -> false);
    }

    /** As {@link #zeroFill(Path, long)}; false if {@code stop} cut it short (the file is then shorter). */
    private static boolean zeroFill(Path file, long size, BooleanSupplier stop) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            return writeZeros(file, ch, size, stop);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Zero-fills this (not yet used) segment in place and marks it allocated, unless
     * {@code stop} cuts the fill short: the segment then stays sparse (the zeros written read
     * like its holes). Only for a spare nobody appends to yet.
     */
    Segment zeroFillInPlace(BooleanSupplier stop) {
        try {
            if (writeZeros(path, channel, channel.size(), stop)) {
                allocated = true;
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.NO_SPACE, "cannot zero-fill segment " + id + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Zeros are written, and written out to the disk, this many bytes at a time. */
    static final int ZERO_PIECE = 256 << 10;

    /** Test seam: runs after each piece of zeros has been written out, with the file's path. */
    static volatile java.util.function.Consumer<Path> afterZeroPiece;

    /**
     * Writes {@code size} zero bytes from the start of the file and syncs it, or stops before
     * a piece once {@code stop} says so (returns false, nothing synced). Each piece is
     * written out to the disk before the next is written ({@link WriteOut}): left to the one
     * sync at the end, 64 MiB of zeros would enter the disk's queue at once, ahead of the
     * log's fdatasyncs. Under FUA writes at queue depth 32 those then took 110–210 ms while a
     * new segment was filled (the writes' worst latency 125–175 ms, against 35–53 ms paced in
     * 256 KiB pieces; throughput and p99 not distinguishable). A paced fill takes 0.2–0.45 s.
     */
    private static boolean writeZeros(Path file, FileChannel ch, long size, BooleanSupplier stop) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_PIECE);
        for (long pos = 0; pos < size; pos += zeros.capacity()) {
            if (stop.getAsBoolean()) {
                return false;
            }
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
            while (zeros.hasRemaining()) {
                ch.write(zeros, pos + zeros.position());
            }
            WriteOut.writeOut(ch, pos, zeros.limit());
            java.util.function.Consumer<Path> hook = afterZeroPiece;
            if (hook != null) {
                hook.accept(file);
            }
        }
        ch.force(true);
        return true;
    }

    /** Reads exactly dst.remaining() bytes at {@code pos}; false if the segment was deleted meanwhile. */
    boolean read(ByteBuffer dst, long pos) throws IOException {
        if (map != null) {
            int n = dst.remaining();
            if (!readAt(dst, dst.position(), pos, n)) {
                return false;
            }
            dst.position(dst.position() + n);
            return true;
        }
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new IOException("short read in segment " + id + " at " + pos);
                }
                pos += n;
            }
            return true;
        } catch (ClosedChannelException e) {
            return false;
        }
    }

    /**
     * Reads {@code n} bytes at {@code pos} into dst at index {@code at}, leaving dst's position
     * and limit as they are; false if the segment was deleted meanwhile.
     */
    boolean readAt(ByteBuffer dst, int at, long pos, int n) throws IOException {
        if (map == null) {
            return read(dst.duplicate().position(at).limit(at + n), pos);
        }
        if (pos < 0 || pos + n > map.capacity()) {
            throw new IOException("read past the end of segment " + id + " at " + pos);
        }
        if (!enterMap()) {
            return false;
        }
        try {
            dst.put(at, map, (int) pos, n);
            return true;
        } finally {
            readers.decrementAndGet();
        }
    }

    /**
     * Counts the caller in as a reader of the mapping, for {@link #peek}: false (and nothing to
     * leave) when the segment is not mapped or is being closed. Leave with {@link #leave}.
     */
    boolean enter() {
        return map != null && enterMap();
    }

    /** Leaves what {@link #enter} entered. */
    void leave() {
        readers.decrementAndGet();
    }

    /**
     * Reads one word at {@code pos} through the mapping, inside {@link #enter}/{@link #leave}:
     * a plain load, so that several of them can wait for memory at once. 0 when out of range.
     */
    long peek(long pos) {
        return pos >= 0 && pos + Long.BYTES <= map.capacity() ? map.getLong((int) pos) : 0;
    }

    /**
     * Whether bytes [pos, pos + n) are in memory now (mincore on the mapping), so reading them
     * will not wait for the disk. False for unmapped segments and segments being closed.
     */
    boolean resident(long pos, int n) {
        if (map == null || pos < 0 || pos + n > map.capacity() || !enterMap()) {
            return false;
        }
        try {
            return map.slice((int) pos, n).isLoaded();
        } finally {
            readers.decrementAndGet();
        }
    }

    /**
     * Reads the whole file into the page cache, through the mapping or, when the file is not
     * mapped, through its channel. For a reused free file or the segment a restart resumes:
     * it holds data (zeros or a cleaned segment's), so an append that ends inside a page that is
     * not in memory would first read that page from disk, one synchronous read per append.
     * Then marks the segment {@link #cached}. A no-op when the file is being closed.
     */
    void warm() {
        if (map == null) {
            warmThroughChannel();
            return;
        }
        if (!enterMap()) {
            return;
        }
        try {
            map.load();
            cached = true;
        } finally {
            readers.decrementAndGet();
        }
    }

    private void warmThroughChannel() {
        ByteBuffer buf = ByteBuffer.allocateDirect(ZERO_PIECE);
        try {
            long size = channel.size();
            for (long pos = 0; pos < size; pos += ZERO_PIECE) {
                buf.clear();
                if (channel.read(buf, pos) < 0) {
                    break;
                }
            }
            cached = true;
        } catch (IOException e) { // closed meanwhile, say: appends on an event loop keep declining
            LOG.log(java.util.logging.Level.FINE, "cannot read segment " + id + " into memory", e);
        }
    }

    /** Counts the caller in as a reader of {@link #map}; false once it is unmapped. Leave with readers.decrementAndGet(). */
    private boolean enterMap() {
        int r;
        do {
            r = readers.get();
            if (r < 0) {
                return false;
            }
        } while (!readers.compareAndSet(r, r + 1));
        return true;
    }

    /** Closes and removes the file; concurrent readers see it gone and retry through the index. */
    void delete() throws IOException {
        closeQuietly();
        Files.deleteIfExists(path);
    }

    /** Waits for readers to leave the mapping, unmaps it (a later access would crash the JVM), closes. */
    void closeQuietly() {
        if (map != null) {
            for (int spins = 0; !readers.compareAndSet(0, -1); spins++) {
                if (readers.get() < 0) {
                    break;
                }
                if (spins < 1000) {
                    Thread.onSpinWait(); // reads leave within microseconds
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a warm() reads the file
                }
            }
            if (readers.get() == -1 && unmapped.compareAndSet(false, true)) {
                Unmapper.unmap(map);
                MAPPED.decrementAndGet();
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only read or already synced
        }
    }
}

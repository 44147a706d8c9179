package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One segment file. Appends go through {@link SegmentLog} (one writer); reads are positional
 * and concurrent. A reader holds the read lock while it reads, so the cleaner (write lock)
 * never closes the file under it; a reader that finds the segment deleted re-resolves the
 * block through the index, which by then points at the copy.
 */
final class Segment {
    final long id;
    final Path path;
    final FileChannel channel;
    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private boolean deleted;

    private Segment(long id, Path path, FileChannel channel) {
        this.id = id;
        this.path = path;
        this.channel = channel;
    }

    static Path pathOf(Path dir, long id) {
        return dir.resolve(String.format("%016x.seg", id));
    }

    static long idOf(Path file) {
        String n = file.getFileName().toString();
        return Long.parseLong(n.substring(0, n.length() - 4), 16);
    }

    static Segment open(Path dir, long id) throws IOException {
        Path p = pathOf(dir, id);
        return new Segment(id, p, FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /**
     * Creates a segment. With {@code zeroFill} the file is written out with zeros to its full
     * size and synced, so that later appends are overwrites and fdatasync flushes data only.
     */
    static Segment create(Path dir, long id, long size, boolean zeroFill) throws IOException {
        Path p = pathOf(dir, id);
        Path tmp = dir.resolve(p.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            if (zeroFill) {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long pos = 0; pos < size; pos += zeros.capacity()) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                    while (zeros.hasRemaining()) {
                        ch.write(zeros, pos + zeros.position());
                    }
                }
                ch.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, p);
        return open(dir, id);
    }

    /** Reads exactly dst.remaining() bytes at {@code pos}; false if the segment was deleted meanwhile. */
    boolean read(ByteBuffer dst, long pos) throws IOException {
        life.readLock().lock();
        try {
            if (deleted) {
                return false;
            }
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new IOException("short read in segment " + id + " at " + pos);
                }
                pos += n;
            }
            return true;
        } finally {
            life.readLock().unlock();
        }
    }

    /** Closes and removes the file once no reader is inside it. */
    void delete() throws IOException {
        life.writeLock().lock();
        try {
            deleted = true;
            channel.close();
            Files.deleteIfExists(path);
        } finally {
            life.writeLock().unlock();
        }
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only read or already synced
        }
    }
}

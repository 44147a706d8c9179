package io.basalt.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The data path of one volume: what a frontend (the iSCSI target, a replica) sees. Offsets and
 * lengths are in bytes and must be multiples of 512.
 *
 * <p>Threading: all methods may be called concurrently from any thread. Writes are atomic per
 * 4 KiB block. A write is visible to reads as soon as {@link #write} returns; it is durable
 * when the returned future completes (at once unless {@code fua}, like a disk with a volatile
 * write cache, WCE=1). {@link #flush} makes every write that returned before it durable.
 */
public final class Volume {
    private final BlockEngine engine;
    final Catalog.VolumeRec rec;

    Volume(BlockEngine engine, Catalog.VolumeRec rec) {
        this.engine = engine;
        this.rec = rec;
    }

    public String name() {
        return rec.name;
    }

    public long id() {
        return rec.id;
    }

    public long sizeBytes() {
        return rec.sizeBytes;
    }

    /** The version id: sequence number of the newest change to this volume's current state. */
    public long version() {
        return engine.version(rec);
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset} into dst (its position advances). */
    public void read(long offset, ByteBuffer dst) {
        engine.read(rec, offset, dst);
    }

    /**
     * Reads like {@link #read} only if it can without waiting for the disk (every stored block
     * it needs is in memory); otherwise returns false and dst's position is unchanged. For
     * callers that must not block, such as an event loop deciding whether to hand off.
     */
    public boolean tryRead(long offset, ByteBuffer dst) {
        return engine.tryRead(rec, offset, dst);
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}. src is not retained after this
     * returns and its position does not move.
     */
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua) {
        return engine.write(rec, offset, src, fua);
    }

    /**
     * As {@link #write}, but never waits (for an event loop): null, having written nothing,
     * when the write is not of whole 4 KiB blocks or would have to wait (back-pressure,
     * another writer of this volume, a new segment). Callers then use {@link #write}.
     */
    public CompletableFuture<Void> tryWrite(long offset, ByteBuffer src, boolean fua) {
        return engine.tryWrite(rec, offset, src, fua);
    }

    /** Deallocates a byte range; it reads as zeros afterwards. Also serves write-zeroes. */
    public CompletableFuture<Void> unmap(long offset, long length) {
        return engine.unmap(rec, offset, length);
    }

    /** Completes when every write that returned before this call is durable. */
    public CompletableFuture<Void> flush() {
        return engine.flush();
    }

    /**
     * Whether the 4 KiB block holding byte {@code offset} has stored data (false: never
     * written, unmapped or zero-written, so it reads zeros). Serves GET LBA STATUS.
     */
    public boolean mapped(long offset) {
        return engine.mapped(rec, offset);
    }

    /**
     * Small durable metadata kept with the volume (e.g. SCSI persistent reservations, so they
     * can follow the volume). Null if absent.
     */
    public byte[] attribute(String key) {
        return engine.attribute(rec, key);
    }

    /** Stores (or with null removes) an attribute durably before returning. */
    public void setAttribute(String key, byte[] value) {
        engine.setAttribute(rec, key, value);
    }

    @Override
    public String toString() {
        return "Volume[" + rec.name + "]";
    }
}

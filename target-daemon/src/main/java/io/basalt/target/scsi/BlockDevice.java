package io.basalt.target.scsi;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * What a LUN stores its blocks in: the only thing the SCSI layer knows of storage. A local
 * engine volume, later a replicated volume, implement it.
 *
 * <p>Contract: thread-safe; offsets and lengths in bytes, multiples of 512. {@link #read}
 * may block and is never called on a Netty event loop. Failures are
 * {@link io.basalt.engine.EngineException}s ({@link io.basalt.engine.MediumErrorException}
 * for a block that fails its checksum); {@link SenseMapper} turns them into sense data, in
 * one place.
 */
public interface BlockDevice {
    /** Stable numeric id: the basis of the unit serial number and the NAA identifier. */
    long id();

    String name();

    long sizeBytes();

    /** 512 (default; reported as 512e with 4 KiB physical blocks) or 4096. */
    int logicalBlockSize();

    void read(long offset, ByteBuffer dst);

    /**
     * {@link #read} only if it needs no disk access (the data is in memory); false otherwise,
     * with nothing read. Never blocks, so it may be called on an event loop.
     */
    default boolean tryRead(long offset, ByteBuffer dst) {
        return false;
    }

    /**
     * The data is visible to reads when this returns (WRITE ATOMIC relies on it); the future
     * completes when it is durable if {@code fua}, else at once.
     */
    CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua);

    /**
     * {@link #write} only if it can be done without waiting (for a lock, for room, for the
     * disk); null otherwise, with nothing written. The future is write's: it may complete
     * later, when the write is durable. Never blocks, so it may be called on an event loop.
     */
    default CompletableFuture<Void> tryWrite(long offset, ByteBuffer src, boolean fua) {
        return null;
    }

    /** Deallocates; the range reads zeros afterwards (LBPRZ=1). Also serves write-zeroes. */
    CompletableFuture<Void> unmap(long offset, long length);

    /** Makes every completed write durable (SYNCHRONIZE CACHE). */
    CompletableFuture<Void> flush();

    /** Whether the 4 KiB block holding {@code offset} is mapped (GET LBA STATUS). */
    boolean mapped(long offset);

    /** Durable small metadata kept with the volume (persistent reservations); null if absent. */
    byte[] attribute(String key);

    void setAttribute(String key, byte[] value);
}

package io.basalt.target.scsi;

import io.basalt.engine.Volume;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A LUN backed by a local engine volume. */
public final class EngineBlockDevice implements BlockDevice {
    private final Volume volume;
    private final int logicalBlockSize;

    public EngineBlockDevice(Volume volume, int logicalBlockSize) {
        if (logicalBlockSize != 512 && logicalBlockSize != 4096) {
            throw new IllegalArgumentException("logical block size must be 512 or 4096, got " + logicalBlockSize);
        }
        this.volume = volume;
        this.logicalBlockSize = logicalBlockSize;
    }

    @Override
    public long id() {
        return volume.id();
    }

    @Override
    public String name() {
        return volume.name();
    }

    @Override
    public long sizeBytes() {
        return volume.sizeBytes();
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        volume.read(offset, dst);
    }

    @Override
    public boolean tryRead(long offset, ByteBuffer dst) {
        return volume.tryRead(offset, dst);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua) {
        return volume.write(offset, src, fua);
    }

    @Override
    public CompletableFuture<Void> tryWrite(long offset, ByteBuffer src, boolean fua) {
        return volume.tryWrite(offset, src, fua);
    }

    @Override
    public CompletableFuture<Void> unmap(long offset, long length) {
        return volume.unmap(offset, length);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return volume.flush();
    }

    @Override
    public boolean mapped(long offset) {
        return volume.mapped(offset);
    }

    @Override
    public byte[] attribute(String key) {
        return volume.attribute(key);
    }

    @Override
    public void setAttribute(String key, byte[] value) {
        volume.setAttribute(key, value);
    }
}

package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Moves blocks between Netty buffers and a {@link BlockDevice} without needless copies. */
final class BlockIo {
    private static final int SECTOR = 512;

    private BlockIo() {
    }

    /**
     * Reads {@code length} bytes into a pooled direct buffer the caller owns. The device fills
     * the buffer's memory directly (no intermediate copy); on failure the buffer is released.
     */
    static ByteBuf read(BlockDevice device, long offset, int length) {
        return read(device, offset, length, false);
    }

    /** {@link #read} if the device can serve it without waiting for the disk, else null. */
    static ByteBuf tryRead(BlockDevice device, long offset, int length) {
        return read(device, offset, length, true);
    }

    private static ByteBuf read(BlockDevice device, long offset, int length, boolean nonBlocking) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        boolean done = false;
        try {
            ByteBuffer dst = buf.nioBuffer(0, length);
            if (nonBlocking) {
                done = device.tryRead(offset, dst);
            } else {
                device.read(offset, dst);
                done = true;
            }
            return done ? buf.writerIndex(length) : null;
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }

    /**
     * Writes {@code length} bytes of {@code src} from {@code index}. Each component of a
     * composite buffer is written in place when all are sector multiples; otherwise
     * {@code nioBuffer} gathers them into one copy. Completes when every piece completes.
     */
    static CompletableFuture<Void> write(BlockDevice device, long offset, ByteBuf src, int index, int length,
                                         boolean fua) {
        if (src.nioBufferCount() == 1) {
            return device.write(offset, src.nioBuffer(index, length), fua);
        }
        ByteBuffer[] parts = src.nioBuffers(index, length);
        for (ByteBuffer p : parts) {
            if (p.remaining() % SECTOR != 0) {
                return device.write(offset, src.nioBuffer(index, length), fua);
            }
        }
        CompletableFuture<?>[] done = new CompletableFuture<?>[parts.length];
        long at = offset;
        for (int i = 0; i < parts.length; i++) {
            done[i] = device.write(at, parts[i], fua);
            at += parts[i].remaining();
        }
        return CompletableFuture.allOf(done);
    }

    /** Offset of the first byte where the ranges differ, or -1 when they are equal. */
    static int firstDifference(ByteBuf a, int aIndex, ByteBuf b, int bIndex, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (a.getLong(aIndex + i) != b.getLong(bIndex + i)) {
                break;
            }
        }
        for (; i < length; i++) {
            if (a.getByte(aIndex + i) != b.getByte(bIndex + i)) {
                return i;
            }
        }
        return -1;
    }
}

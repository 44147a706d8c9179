package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/** Data-In for commands that return parameter data: truncated to the ALLOCATION LENGTH. */
final class ParameterData {
    private ParameterData() {
    }

    /**
     * GOOD with at most {@code allocationLength} bytes of {@code full} (SPC-5 §4.2.5.6: a short
     * allocation length truncates, it is not an error).
     */
    static ScsiResult respond(byte[] full, long allocationLength) {
        int n = (int) Math.min(full.length, allocationLength);
        if (n <= 0) {
            return ScsiResult.good();
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(n);
        buf.writeBytes(full, 0, n);
        return ScsiResult.good(buf);
    }
}

package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * READ (6), (10), (12), (16) (SBC-4 §5.15-5.18). DPO is a hint and FUA needs nothing: reads
 * always see the newest completed write, and never part of a WRITE ATOMIC. The data lands in a
 * pooled direct buffer straight from the device.
 */
final class Read {
    private Read() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        return run(r, false);
    }

    /**
     * The same for a read of up to {@link #NON_BLOCKING_MAX} bytes whose data is all in memory;
     * null otherwise (it would wait for the disk, or is large enough that its copying and
     * checksumming belong on a worker, beside the event loop rather than on it).
     */
    static CompletableFuture<ScsiResult> tryNow(ScsiRequest r) {
        return run(r, true);
    }

    static final int NON_BLOCKING_MAX = 16 << 10;

    private static CompletableFuture<ScsiResult> run(ScsiRequest r, boolean nonBlocking) {
        BlockCommand c = BlockCommand.parse(r, true);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good()); // not an error (SBC-4 §5.16)
        }
        int bs = r.blockSize();
        if (!nonBlocking) {
            return Command.now(ScsiResult.good(r.lun().read(c.offset(bs), c.bytes(bs))));
        }
        if (c.bytes(bs) > NON_BLOCKING_MAX) {
            return null;
        }
        ByteBuf data = r.lun().tryRead(c.offset(bs), c.bytes(bs));
        return data == null ? null : Command.now(ScsiResult.good(data));
    }
}

package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * READ (6), (10), (12), (16) (SBC-4 §5.15-5.18). DPO is a hint and FUA needs nothing: reads
 * always see the newest completed write. The data lands in a pooled direct buffer straight
 * from the device.
 */
final class Read {
    private Read() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        return run(r, false);
    }

    /** The same, but null rather than wait for the disk: the data is not all in memory. */
    static CompletableFuture<ScsiResult> tryNow(ScsiRequest r) {
        return run(r, true);
    }

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
            return Command.now(ScsiResult.good(BlockIo.read(r.lun().device(), c.offset(bs), c.bytes(bs))));
        }
        ByteBuf data = BlockIo.tryRead(r.lun().device(), c.offset(bs), c.bytes(bs));
        return data == null ? null : Command.now(ScsiResult.good(data));
    }
}

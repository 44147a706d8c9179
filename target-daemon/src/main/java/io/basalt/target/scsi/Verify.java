package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * VERIFY (10), (12), (16) (SBC-4 §5.36-5.38). BYTCHK=00b reads the range, which checks every
 * block's checksum; 01b compares it with the Data-Out; 11b compares every block with the one
 * block of Data-Out; 10b is reserved. Work proceeds in chunks so a long verify never holds the
 * whole range in memory. A compare sees all or none of each WRITE ATOMIC over its whole range
 * when that is at most 8 MiB (the longest BYTCHK=01b can be), else over each 1 MiB piece.
 */
final class Verify {
    private static final int CHUNK_BYTES = 1 << 20;

    private Verify() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return switch ((cdb[1] >>> 1) & 3) {
            case 1 -> Cdb.blocks(cdb) * blockSize;
            case 3 -> blockSize;
            default -> 0;
        };
    }

    /** MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION, INFORMATION = offset of the first difference. */
    static ScsiResult miscompare(long offset) {
        return Sense.of(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY).withInformation(offset).result();
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        int bytchk = (r.cdb()[1] >>> 1) & 3;
        if (bytchk == 2) {
            return Command.now(Sense.invalidFieldInCdb(1, 2));
        }
        BlockCommand c = BlockCommand.parse(r, bytchk == 1);
        if (c.error() != null) {
            return Command.now(c.error());
        }
        if (c.blocks() == 0) {
            return Command.now(ScsiResult.good());
        }
        int bs = r.blockSize();
        long expected = dataOutLength(r.cdb(), bs);
        if (r.dataOutBytes() < expected) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        long total = c.blocks() * bs;
        long base = c.offset(bs);
        if (bytchk == 0) {
            return Command.now(compareRange(r, 0, base, 0, total, bs)); // reads only to check checksums
        }
        if (total <= BlockLimits.MAX_TRANSFER_BYTES) {
            // All of the range or none of a WRITE ATOMIC: a miscompare must be one a READ would show.
            return Command.now(r.lun().readConsistently(base, total, () -> compareRange(r, bytchk, base, 0, total, bs),
                    x -> { }));
        }
        // Longer (BYTCHK=11b has no length limit): each 1 MiB piece on its own, so that a long
        // compare is never redone whole, nor run under the exclusive write lock.
        for (long done = 0; done < total; done += CHUNK_BYTES) {
            long from = done;
            long len = Math.min(CHUNK_BYTES, total - done);
            ScsiResult piece = r.lun().readConsistently(base + from, len,
                    () -> compareRange(r, bytchk, base, from, from + len, bs), x -> { });
            if (piece.status() != ScsiResult.GOOD) {
                return Command.now(piece);
            }
        }
        return Command.now(ScsiResult.good());
    }

    /** Reads and compares [base+start, base+end) of the verified range in pieces. */
    private static ScsiResult compareRange(ScsiRequest r, int bytchk, long base, long start, long end, int bs) {
        for (long done = start; done < end; ) {
            int len = (int) Math.min(CHUNK_BYTES, end - done);
            ByteBuf stored = BlockIo.read(r.lun().device(), base + done, len);
            try {
                long diff = bytchk == 0 ? -1 : compare(r.dataOut(), bytchk, stored, done, len, bs);
                if (diff >= 0) {
                    return miscompare(diff);
                }
            } finally {
                stored.release();
            }
            done += len;
        }
        return ScsiResult.good();
    }

    /** First differing byte, as an offset from the start of the verified range, or -1. */
    private static long compare(ByteBuf dataOut, int bytchk, ByteBuf stored, long done, int len, int bs) {
        int base = dataOut.readerIndex();
        if (bytchk == 1) {
            int d = BlockIo.firstDifference(stored, 0, dataOut, base + (int) done, len);
            return d < 0 ? -1 : done + d;
        }
        for (int at = 0; at < len; at += bs) {
            int d = BlockIo.firstDifference(stored, at, dataOut, base, bs);
            if (d >= 0) {
                return done + at + d;
            }
        }
        return -1;
    }
}

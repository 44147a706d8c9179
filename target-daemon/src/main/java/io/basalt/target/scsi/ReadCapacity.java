package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/** READ CAPACITY (10) and (16) (SBC-4 §5.20, §5.21). */
final class ReadCapacity {
    private ReadCapacity() {
    }

    /** READ CAPACITY (10): the last LBA, or FFFFFFFFh when it does not fit (use the 16-byte form). */
    static CompletableFuture<ScsiResult> ten(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[8] & 0x01) == 0 && Cdb.u32(cdb, 2) != 0) {
            return Command.now(Sense.invalidFieldInCdb(2, 7)); // LBA without PMI (SBC-4 §5.20.1)
        }
        byte[] b = new byte[8];
        long last = r.lun().blockCount() - 1;
        Cdb.put32(b, 0, Math.min(last, 0xffffffffL));
        Cdb.put32(b, 4, r.blockSize());
        return Command.now(ParameterData.respond(b, b.length));
    }

    /**
     * READ CAPACITY (16) parameter data (SBC-4 §5.21.2): no protection; LOGICAL BLOCKS PER
     * PHYSICAL BLOCK EXPONENT 3 for 512-byte blocks on 4 KiB engine blocks; LBPME=1 (thin) and
     * LBPRZ=1 (unmapped blocks read zeros).
     */
    static CompletableFuture<ScsiResult> sixteen(ScsiRequest r) {
        byte[] b = new byte[32];
        Cdb.put64(b, 0, r.lun().blockCount() - 1);
        Cdb.put32(b, 8, r.blockSize());
        b[13] = (byte) Integer.numberOfTrailingZeros(BlockLimits.blocksPerPhysical(r.blockSize()));
        b[14] = (byte) 0xc0;
        return Command.now(ParameterData.respond(b, Cdb.u32(r.cdb(), 10)));
    }
}

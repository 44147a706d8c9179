package io.basalt.target.scsi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * GET LBA STATUS (SBC-4 §5.7): mapped / deallocated extents from the starting LBA on. The
 * engine knows mapping per 4 KiB block, so runs of equal state are coalesced at that
 * granularity; the first extent starts exactly at the requested LBA. One command scans a
 * bounded number of engine blocks and returns as many descriptors as the allocation length
 * holds; the initiator asks again from where the answer ends.
 */
final class GetLbaStatus {
    private static final int HEADER = 8;
    private static final int DESCRIPTOR = 16;
    /** Engine blocks examined per command (64 MiB): bounds the work of one command. */
    private static final int SCAN_LIMIT = 16384;
    private static final int MAPPED = 0;
    private static final int DEALLOCATED = 1;

    private GetLbaStatus() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        long lba = Cdb.u64(cdb, 2);
        long allocation = Cdb.u32(cdb, 10);
        long capacity = r.lun().blockCount();
        if (Long.compareUnsigned(lba, capacity) >= 0) {
            return Command.now(Sense.lbaOutOfRange());
        }
        int maxDescriptors = (int) Math.max(1, Math.min(SCAN_LIMIT, (allocation - HEADER) / DESCRIPTOR));
        List<long[]> extents = scan(r, lba, capacity, maxDescriptors);
        byte[] b = new byte[HEADER + extents.size() * DESCRIPTOR];
        Cdb.put32(b, 0, b.length - 4);
        for (int i = 0; i < extents.size(); i++) {
            long[] e = extents.get(i);
            int at = HEADER + i * DESCRIPTOR;
            Cdb.put64(b, at, e[0]);
            Cdb.put32(b, at + 8, e[1]);
            b[at + 12] = (byte) e[2];
        }
        return Command.now(ParameterData.respond(b, allocation));
    }

    /** Extents as {first LBA, block count, provisioning status}. */
    private static List<long[]> scan(ScsiRequest r, long lba, long capacity, int maxDescriptors) {
        int bs = r.blockSize();
        int perPhysical = BlockLimits.blocksPerPhysical(bs);
        List<long[]> extents = new ArrayList<>();
        long[] current = null;
        long at = lba;
        for (int scanned = 0; at < capacity && scanned < SCAN_LIMIT; scanned++) {
            long end = Math.min(capacity, (at / perPhysical + 1) * perPhysical);
            int status = r.lun().device().mapped(at * bs) ? MAPPED : DEALLOCATED;
            if (current != null && current[2] == status && current[1] + (end - at) <= 0xffffffffL) {
                current[1] += end - at;
            } else {
                if (extents.size() == maxDescriptors) {
                    break;
                }
                current = new long[] {at, end - at, status};
                extents.add(current);
            }
            at = end;
        }
        return extents;
    }
}

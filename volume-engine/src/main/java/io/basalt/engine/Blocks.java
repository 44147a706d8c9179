package io.basalt.engine;

/** Block geometry. Data is stored in 4 KiB blocks and addressed in 512-byte sectors. */
public final class Blocks {
    /** Size of a stored block. */
    public static final int BLOCK_SIZE = 4096;
    /** Granularity of reads and writes: a 512-byte sector, as iSCSI LUNs (and VMware ESX) expect. */
    public static final int SECTOR_SIZE = 512;
    static final int BLOCK_SHIFT = 12;

    private Blocks() {
    }
}

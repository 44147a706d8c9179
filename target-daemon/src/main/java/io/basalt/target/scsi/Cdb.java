package io.basalt.target.scsi;

/** Big-endian field access and the LBA / length fields of block commands (SBC-4 §5). */
final class Cdb {
    private Cdb() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int u16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        put16(b, i, (int) (v >>> 16));
        put16(b, i + 2, (int) v);
    }

    static void put64(byte[] b, int i, long v) {
        put32(b, i, v >>> 32);
        put32(b, i + 4, v);
    }

    /** CDB length by operation code group (SPC-5 §4.2.5.1). */
    static int groupLength(int opcode) {
        return switch (opcode >>> 5) {
            case 0 -> 6;
            case 1, 2 -> 10;
            case 4 -> 16;
            case 5 -> 12;
            default -> 10;
        };
    }

    /** The LOGICAL BLOCK ADDRESS of READ/WRITE/VERIFY-style CDBs, by CDB size. */
    static long lba(byte[] cdb) {
        return switch (groupLength(u8(cdb, 0))) {
            case 6 -> ((long) (u8(cdb, 1) & 0x1f) << 16) | u16(cdb, 2);
            case 16 -> u64(cdb, 2);
            default -> u32(cdb, 2);
        };
    }

    /**
     * The TRANSFER LENGTH / NUMBER OF LOGICAL BLOCKS of READ/WRITE/VERIFY-style CDBs. For the
     * 6-byte forms 0 means 256 (SBC-4 §5.15, §5.40).
     */
    static long blocks(byte[] cdb) {
        return switch (groupLength(u8(cdb, 0))) {
            case 6 -> u8(cdb, 4) == 0 ? 256 : u8(cdb, 4);
            case 12 -> u32(cdb, 6);
            case 16 -> u32(cdb, 10);
            default -> u16(cdb, 7);
        };
    }

    /** The first LBA a block command touches, for sense INFORMATION; 0 for other commands. */
    static long startLba(byte[] cdb) {
        int op = u8(cdb, 0);
        boolean block = switch (op) {
            case 0x08, 0x0a, 0x28, 0x2a, 0x2e, 0x2f, 0x34, 0x35, 0x41, 0x88, 0x89, 0x8a, 0x8b, 0x8e, 0x8f, 0x90, 0x91, 0x93, 0x9c,
                 0xa8, 0xaa, 0xae, 0xaf -> true;
            default -> false;
        };
        return block && cdb.length >= groupLength(op) ? lba(cdb) : 0;
    }
}

package io.basalt.target.scsi;

/** CDB builders for tests, written from the SPC-5/SBC-4 layouts independently of the code under test. */
final class Cdbs {
    private Cdbs() {
    }

    static byte[] cdb(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    static void be(byte[] b, int off, int len, long v) {
        for (int i = len - 1; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static byte[] testUnitReady() {
        return new byte[6];
    }

    static byte[] inquiry(boolean evpd, int page, int allocation) {
        byte[] b = cdb(0x12, evpd ? 1 : 0, page, 0, 0, 0);
        be(b, 3, 2, allocation);
        return b;
    }

    static byte[] requestSense(int allocation) {
        return cdb(0x03, 0, 0, 0, allocation, 0);
    }

    static byte[] read6(long lba, int blocks) {
        byte[] b = cdb(0x08, 0, 0, 0, blocks, 0);
        be(b, 1, 3, lba);
        return b;
    }

    static byte[] write6(long lba, int blocks) {
        byte[] b = read6(lba, blocks);
        b[0] = 0x0a;
        return b;
    }

    static byte[] rw10(int opcode, long lba, int blocks, int flags) {
        byte[] b = new byte[10];
        b[0] = (byte) opcode;
        b[1] = (byte) flags;
        be(b, 2, 4, lba);
        be(b, 7, 2, blocks);
        return b;
    }

    static byte[] rw12(int opcode, long lba, long blocks, int flags) {
        byte[] b = new byte[12];
        b[0] = (byte) opcode;
        b[1] = (byte) flags;
        be(b, 2, 4, lba);
        be(b, 6, 4, blocks);
        return b;
    }

    static byte[] rw16(int opcode, long lba, long blocks, int flags) {
        byte[] b = new byte[16];
        b[0] = (byte) opcode;
        b[1] = (byte) flags;
        be(b, 2, 8, lba);
        be(b, 10, 4, blocks);
        return b;
    }

    static byte[] read10(long lba, int blocks) {
        return rw10(0x28, lba, blocks, 0);
    }

    static byte[] write10(long lba, int blocks) {
        return rw10(0x2a, lba, blocks, 0);
    }

    static byte[] read16(long lba, long blocks) {
        return rw16(0x88, lba, blocks, 0);
    }

    static byte[] write16(long lba, long blocks, boolean fua) {
        return rw16(0x8a, lba, blocks, fua ? 0x08 : 0);
    }

    static byte[] verify16(long lba, long blocks, int bytchk) {
        return rw16(0x8f, lba, blocks, bytchk << 1);
    }

    static byte[] writeSame16(long lba, long blocks, boolean unmap, boolean ndob) {
        return rw16(0x93, lba, blocks, (unmap ? 0x08 : 0) | (ndob ? 0x01 : 0));
    }

    static byte[] writeSame10(long lba, int blocks, int flags) {
        return rw10(0x41, lba, blocks, flags);
    }

    static byte[] compareAndWrite(long lba, int blocks) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x89;
        be(b, 2, 8, lba);
        b[13] = (byte) blocks;
        return b;
    }

    static byte[] unmap(int parameterListLength) {
        byte[] b = new byte[10];
        b[0] = 0x42;
        be(b, 7, 2, parameterListLength);
        return b;
    }

    /** UNMAP parameter list with {lba, blocks} descriptors. */
    static byte[] unmapList(long[]... ranges) {
        byte[] p = new byte[8 + 16 * ranges.length];
        be(p, 0, 2, p.length - 2);
        be(p, 2, 2, 16L * ranges.length);
        for (int i = 0; i < ranges.length; i++) {
            be(p, 8 + 16 * i, 8, ranges[i][0]);
            be(p, 16 + 16 * i, 4, ranges[i][1]);
        }
        return p;
    }

    static byte[] getLbaStatus(long lba, int allocation) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x9e;
        b[1] = 0x12;
        be(b, 2, 8, lba);
        be(b, 10, 4, allocation);
        return b;
    }

    static byte[] readCapacity10() {
        return new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    }

    static byte[] readCapacity16(int allocation) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x9e;
        b[1] = 0x10;
        be(b, 10, 4, allocation);
        return b;
    }

    static byte[] modeSense6(int pageControl, int page, int allocation, boolean dbd) {
        return cdb(0x1a, dbd ? 0x08 : 0, (pageControl << 6) | page, 0, allocation, 0);
    }

    static byte[] modeSense10(int pageControl, int page, int allocation, boolean llbaa) {
        byte[] b = cdb(0x5a, llbaa ? 0x10 : 0, (pageControl << 6) | page, 0, 0, 0, 0, 0, 0, 0);
        be(b, 7, 2, allocation);
        return b;
    }

    static byte[] modeSelect6(int length) {
        return cdb(0x15, 0x10, 0, 0, length, 0);
    }

    static byte[] reportOpcodes(int options, boolean rctd, int opcode, int serviceAction, int allocation) {
        byte[] b = new byte[12];
        b[0] = (byte) 0xa3;
        b[1] = 0x0c;
        b[2] = (byte) ((rctd ? 0x80 : 0) | options);
        b[3] = (byte) opcode;
        be(b, 4, 2, serviceAction);
        be(b, 6, 4, allocation);
        return b;
    }

    static byte[] reportLuns(int allocation) {
        byte[] b = new byte[12];
        b[0] = (byte) 0xa0;
        be(b, 6, 4, allocation);
        return b;
    }

    static byte[] reserve6() {
        return cdb(0x16, 0, 0, 0, 0, 0);
    }

    static byte[] release6() {
        return cdb(0x17, 0, 0, 0, 0, 0);
    }

    static byte[] prIn(int serviceAction, int allocation) {
        byte[] b = cdb(0x5e, serviceAction, 0, 0, 0, 0, 0, 0, 0, 0);
        be(b, 7, 2, allocation);
        return b;
    }

    static byte[] prOut(int serviceAction, int type) {
        byte[] b = cdb(0x5f, serviceAction, type, 0, 0, 0, 0, 0, 0, 0);
        be(b, 5, 4, 24);
        return b;
    }

    static byte[] prOutParameters(long key, long serviceActionKey, boolean aptpl) {
        byte[] p = new byte[24];
        be(p, 0, 8, key);
        be(p, 8, 8, serviceActionKey);
        p[20] = (byte) (aptpl ? 1 : 0);
        return p;
    }

    static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static byte[] filled(int value, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}

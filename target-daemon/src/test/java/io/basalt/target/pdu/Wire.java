package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Builds raw PDUs the way an initiator puts them on the wire, straight from the RFC 7143
 * layouts, without using the code under test.
 */
public final class Wire {
    private Wire() {
    }

    /** A BHS with byte 0 (I bit and opcode) and byte 1 (flags) set, everything else zero. */
    public static byte[] bhs(int byte0, int flags) {
        byte[] bhs = new byte[48];
        bhs[0] = (byte) byte0;
        bhs[1] = (byte) flags;
        return bhs;
    }

    public static void put32(byte[] b, int off, long v) {
        ByteBuffer.wrap(b, off, 4).putInt((int) v);
    }

    public static void put16(byte[] b, int off, int v) {
        ByteBuffer.wrap(b, off, 2).putShort((short) v);
    }

    public static void put64(byte[] b, int off, long v) {
        ByteBuffer.wrap(b, off, 8).putLong(v);
    }

    public static int get32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).getInt();
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int u16(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 2).getShort() & 0xffff;
    }

    /** Frames a PDU: fills TotalAHSLength and DataSegmentLength, pads, appends digests (LE). */
    public static byte[] frame(byte[] bhs, byte[] ahs, byte[] data, boolean headerDigest, boolean dataDigest) {
        byte[] header = bhs.clone();
        header[4] = (byte) (ahs.length / 4);
        header[5] = (byte) (data.length >>> 16);
        header[6] = (byte) (data.length >>> 8);
        header[7] = (byte) data.length;
        int padded = (data.length + 3) / 4 * 4;
        ByteBuffer out = ByteBuffer.allocate(48 + ahs.length + (headerDigest ? 4 : 0) + padded
                + (dataDigest && data.length > 0 ? 4 : 0));
        out.put(header).put(ahs);
        if (headerDigest) {
            out.put(crcLe(concat(header, ahs)));
        }
        if (data.length > 0) {
            byte[] paddedData = Arrays.copyOf(data, padded);
            out.put(paddedData);
            if (dataDigest) {
                out.put(crcLe(paddedData));
            }
        }
        return out.array();
    }

    public static byte[] frame(byte[] bhs, byte[] data) {
        return frame(bhs, new byte[0], data, false, false);
    }

    /** CRC32C, least significant byte first (RFC 3720 B.4 vectors). */
    public static byte[] crcLe(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int v = (int) crc.getValue();
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    public static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    public static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A SCSI Command (RFC 7143 §11.3) with the given CDB bytes (up to 16) and immediate data. */
    public static byte[] scsiCommandBhs(int itt, boolean read, boolean write, long expectedLength, int cmdSN, byte[] cdb) {
        return scsiCommandBhs(itt, read, write, expectedLength, cmdSN, cdb, 1);
    }

    /** As above with the ATTR field (RFC 7143 §11.3.1): 1 simple, 2 ordered, 3 head of queue, 4 ACA. */
    public static byte[] scsiCommandBhs(int itt, boolean read, boolean write, long expectedLength, int cmdSN, byte[] cdb,
            int attribute) {
        byte[] b = bhs(0x01, 0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | (attribute & 0x07));
        put64(b, 8, 0x0001000000000000L);
        put32(b, 16, itt);
        put32(b, 20, expectedLength);
        put32(b, 24, cmdSN);
        put32(b, 28, 77);
        System.arraycopy(cdb, 0, b, 32, Math.min(16, cdb.length));
        return b;
    }

    /**
     * A framed Task Management Function Request (RFC 7143 §11.5), immediate, for the LU of
     * {@code lun} (peripheral device addressing, below 256).
     */
    public static byte[] taskMgmtRequest(int itt, int function, int lun, int referenced, int cmdSN) {
        byte[] b = bhs(0x40 | 0x02, 0x80 | function);
        put64(b, 8, ((long) lun) << 48);
        put32(b, 16, itt);
        put32(b, 20, referenced);
        put32(b, 24, cmdSN);
        return frame(b, new byte[0]);
    }

    public static byte[] nopOutBhs(int itt, int cmdSN) {
        byte[] b = bhs(0x40, 0x80);
        put32(b, 16, itt);
        put32(b, 20, 0xffffffff);
        put32(b, 24, cmdSN);
        return b;
    }

    public static byte[] dataOutBhs(int itt, int ttt, int dataSN, int offset, boolean last) {
        byte[] b = bhs(0x05, last ? 0x80 : 0);
        put32(b, 16, itt);
        put32(b, 20, ttt);
        put32(b, 36, dataSN);
        put32(b, 40, offset);
        return b;
    }

    /** A Login Request (RFC 7143 §11.12): I bit set, T/C/CSG/NSG flags. */
    public static byte[] loginBhs(boolean transit, boolean cont, int csg, int nsg, long isid, int itt) {
        byte[] b = bhs(0x43, (transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg << 2) | nsg);
        ByteBuffer.wrap(b, 8, 2).putShort((short) (isid >>> 32));
        put32(b, 10, isid);
        put32(b, 16, itt);
        return b;
    }
}

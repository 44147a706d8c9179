package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.OptionalLong;

/** Read view of a SCSI Command (RFC 7143 §11.3); shares the PDU's reference. */
public final class ScsiCommandPdu extends CommandPduView {
    private static final int AHS_EXTENDED_CDB = 1;
    private static final int AHS_BIDI_READ_LENGTH = 2;

    /** The ATTR field (RFC 7143 §11.3.1); codes 5-7 are reserved. */
    public enum TaskAttribute {
        UNTAGGED, SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA;

        private static final TaskAttribute[] BY_CODE = values();

        /** @return the attribute, or null for a reserved code */
        public static TaskAttribute fromCode(int code) {
            return code < BY_CODE.length ? BY_CODE[code] : null;
        }
    }

    private ScsiCommandPdu(Pdu pdu) {
        super(pdu);
    }

    public static ScsiCommandPdu of(Pdu pdu) {
        return new ScsiCommandPdu(pdu.expect(Opcode.SCSI_COMMAND));
    }

    /** F: no unsolicited Data-Out follows (RFC 7143 §11.3.1). */
    public boolean finalFlag() {
        return pdu.finalFlag();
    }

    public boolean read() {
        return (pdu.flags() & 0x40) != 0;
    }

    public boolean write() {
        return (pdu.flags() & 0x20) != 0;
    }

    /** The raw three-bit ATTR code; see {@link TaskAttribute#fromCode}. */
    public int attribute() {
        return pdu.flags() & 0x07;
    }

    public long lun() {
        return pdu.lun();
    }

    /** Unsigned 32-bit byte count the initiator expects to move (RFC 7143 §11.3.4). */
    public long expectedDataTransferLength() {
        return pdu.i32(20) & 0xffffffffL;
    }

    /**
     * The CDB: the 16 BHS bytes, followed by the Extended CDB AHS (RFC 7143 §11.2.2.3) when one
     * is present and well formed.
     */
    public byte[] cdb() {
        byte[] base = Arrays.copyOfRange(pdu.rawBhs(), 32, 48);
        byte[] ahs = pdu.rawAhs();
        int entry = findAhs(ahs, AHS_EXTENDED_CDB);
        if (entry < 0) {
            return base;
        }
        int extension = Bytes.u16(ahs, entry) - 1;
        byte[] cdb = Arrays.copyOf(base, 16 + extension);
        System.arraycopy(ahs, entry + 4, cdb, 16, extension);
        return cdb;
    }

    /** The Bidirectional Read Expected Data Transfer Length AHS (RFC 7143 §11.2.2.4), if sent. */
    public OptionalLong bidiReadExpectedLength() {
        byte[] ahs = pdu.rawAhs();
        int entry = findAhs(ahs, AHS_BIDI_READ_LENGTH);
        if (entry < 0 || Bytes.u16(ahs, entry) != 5) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Bytes.i32(ahs, entry + 4) & 0xffffffffL);
    }

    /** Immediate data, a duplicate sharing the PDU's reference (see {@link Pdu#data}). */
    public ByteBuf immediateData() {
        return pdu.data();
    }

    /**
     * Finds an AHS entry: AHSLength (2 bytes, counting from the AHS-specific byte), AHSType,
     * then the entry padded to four bytes (RFC 7143 §11.2.2). Malformed entries end the walk.
     *
     * @return the offset of the entry, or -1
     */
    private static int findAhs(byte[] ahs, int type) {
        int off = 0;
        while (off + 4 <= ahs.length) {
            int length = Bytes.u16(ahs, off);
            if (length < 1 || off + 3 + length > ahs.length) {
                return -1;
            }
            if (Bytes.u8(ahs, off + 2) == type) {
                return off;
            }
            off += PduDecoder.padded(3 + length);
        }
        return -1;
    }
}

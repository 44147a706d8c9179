package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/** Read view of a SCSI Data-Out (RFC 7143 §11.7); shares the PDU's reference. */
public final class DataOutPdu extends InitiatorPduView {
    private DataOutPdu(Pdu pdu) {
        super(pdu);
    }

    public static DataOutPdu of(Pdu pdu) {
        return new DataOutPdu(pdu.expect(Opcode.SCSI_DATA_OUT));
    }

    /** F: last PDU of the sequence (unsolicited burst or R2T answer). */
    public boolean finalFlag() {
        return pdu.finalFlag();
    }

    public long lun() {
        return pdu.lun();
    }

    /** The R2T's TTT, or 0xffffffff for unsolicited data (RFC 7143 §11.7.2). */
    public int targetTransferTag() {
        return pdu.i32(20);
    }

    public int dataSN() {
        return pdu.i32(36);
    }

    /** Unsigned offset of this data within the command's buffer (RFC 7143 §11.7.5). */
    public long bufferOffset() {
        return pdu.i32(40) & 0xffffffffL;
    }

    /** The data, a duplicate sharing the PDU's reference (see {@link Pdu#data}). */
    public ByteBuf data() {
        return pdu.data();
    }
}

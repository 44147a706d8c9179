package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/** Read view of a Text Request (RFC 7143 §11.10); shares the PDU's reference. */
public final class TextRequestPdu extends CommandPduView {
    private TextRequestPdu(Pdu pdu) {
        super(pdu);
    }

    public static TextRequestPdu of(Pdu pdu) {
        return new TextRequestPdu(pdu.expect(Opcode.TEXT_REQUEST));
    }

    public boolean finalFlag() {
        return pdu.finalFlag();
    }

    /** C: the text continues in the next Text Request (RFC 7143 §11.10.2). */
    public boolean continues() {
        return (pdu.flags() & 0x40) != 0;
    }

    public long lun() {
        return pdu.lun();
    }

    /** 0xffffffff to start a negotiation, else the TTT of the Text Response it continues. */
    public int targetTransferTag() {
        return pdu.i32(20);
    }

    public ByteBuf text() {
        return pdu.data();
    }
}

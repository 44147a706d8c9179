package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/** Read view of a Login Request (RFC 7143 §11.12); shares the PDU's reference. */
public final class LoginRequestPdu extends CommandPduView {
    private LoginRequestPdu(Pdu pdu) {
        super(pdu);
    }

    public static LoginRequestPdu of(Pdu pdu) {
        return new LoginRequestPdu(pdu.expect(Opcode.LOGIN_REQUEST));
    }

    /** T: the initiator is ready to go to {@link #nextStage()}. */
    public boolean transit() {
        return (pdu.flags() & 0x80) != 0;
    }

    /** C: the text continues in the next Login Request. */
    public boolean continues() {
        return (pdu.flags() & 0x40) != 0;
    }

    /** CSG, the two bits above NSG (RFC 7143 §11.12.3): 0, 1 or 3. */
    public int currentStage() {
        return (pdu.flags() >> 2) & 0x03;
    }

    public int nextStage() {
        return pdu.flags() & 0x03;
    }

    public int versionMax() {
        return pdu.u8(2);
    }

    public int versionMin() {
        return pdu.u8(3);
    }

    /** The 48-bit ISID (RFC 7143 §11.12.5). */
    public long isid() {
        return pdu.u48(8);
    }

    public int tsih() {
        return pdu.u16(14);
    }

    public int cid() {
        return pdu.u16(20);
    }

    /** The key=value text, a duplicate sharing the PDU's reference (see {@link Pdu#data}). */
    public ByteBuf text() {
        return pdu.data();
    }
}

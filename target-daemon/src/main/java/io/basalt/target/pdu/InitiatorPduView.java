package io.basalt.target.pdu;

/**
 * What every read view of an initiator PDU shares: the PDU it reads (sharing its reference)
 * and the fields every initiator PDU has at the same place: the Initiator Task Tag (bytes
 * 16-19) and ExpStatSN (bytes 28-31), RFC 7143 §11.
 */
public abstract class InitiatorPduView {
    protected final Pdu pdu;

    InitiatorPduView(Pdu pdu) {
        this.pdu = pdu;
    }

    public final Pdu pdu() {
        return pdu;
    }

    public final int itt() {
        return pdu.itt();
    }

    public final int expStatSN() {
        return pdu.i32(28);
    }
}

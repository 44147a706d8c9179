package io.basalt.target.pdu;

/**
 * A view of an initiator PDU that is numbered in the command sequence (every one but Data-Out
 * and SNACK): the Immediate bit and CmdSN (bytes 24-27), RFC 7143 §3.2.2.1.
 */
public abstract class CommandPduView extends InitiatorPduView {
    CommandPduView(Pdu pdu) {
        super(pdu);
    }

    public final boolean immediate() {
        return pdu.immediate();
    }

    public final int cmdSN() {
        return pdu.i32(24);
    }
}

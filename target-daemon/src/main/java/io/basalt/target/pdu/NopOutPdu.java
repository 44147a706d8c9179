package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Read view of a NOP-Out (RFC 7143 §11.18); shares the PDU's reference. Its ITT is 0xffffffff
 * when it answers a NOP-In and wants no reply (§11.18.1).
 */
public final class NopOutPdu extends CommandPduView {
    private NopOutPdu(Pdu pdu) {
        super(pdu);
    }

    public static NopOutPdu of(Pdu pdu) {
        return new NopOutPdu(pdu.expect(Opcode.NOP_OUT));
    }

    public long lun() {
        return pdu.lun();
    }

    /** The TTT of the NOP-In this answers, else 0xffffffff. */
    public int targetTransferTag() {
        return pdu.i32(20);
    }

    /** Ping data, to be echoed in the NOP-In. */
    public ByteBuf pingData() {
        return pdu.data();
    }
}

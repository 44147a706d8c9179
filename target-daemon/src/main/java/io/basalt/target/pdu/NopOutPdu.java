package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;

/** Read view of a NOP-Out (RFC 7143 §11.18); shares the PDU's reference. */
public final class NopOutPdu {
    private final Pdu pdu;

    private NopOutPdu(Pdu pdu) {
        this.pdu = pdu;
    }

    public static NopOutPdu of(Pdu pdu) {
        return new NopOutPdu(pdu.expect(Opcode.NOP_OUT));
    }

    public Pdu pdu() {
        return pdu;
    }

    public boolean immediate() {
        return pdu.immediate();
    }

    public long lun() {
        return pdu.lun();
    }

    /** 0xffffffff when this answers a NOP-In and wants no reply (RFC 7143 §11.18.1). */
    public int itt() {
        return pdu.itt();
    }

    /** The TTT of the NOP-In this answers, else 0xffffffff. */
    public int targetTransferTag() {
        return pdu.i32(20);
    }

    public int cmdSN() {
        return pdu.i32(24);
    }

    public int expStatSN() {
        return pdu.i32(28);
    }

    /** Ping data, to be echoed in the NOP-In. */
    public ByteBuf pingData() {
        return pdu.data();
    }
}

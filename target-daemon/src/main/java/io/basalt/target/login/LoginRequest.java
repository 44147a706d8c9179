package io.basalt.target.login;

import io.basalt.target.pdu.LoginRequestPdu;
import io.netty.buffer.ByteBufUtil;

/**
 * The parts of a Login Request (RFC 7143 §11.12) the negotiator works on, detached from any
 * buffer so the negotiator stays pure logic.
 *
 * @param currentStage CSG as sent (0-3)
 * @param nextStage NSG as sent, meaningful with {@code transit}
 * @param text this PDU's data segment, possibly part of a longer text (C bit)
 */
public record LoginRequest(boolean transit, boolean continues, int currentStage, int nextStage,
        int versionMax, int versionMin, long isid, int tsih, int cid, int itt, byte[] text) {

    /** Copies what it needs out of the PDU; the PDU's reference stays with the caller. */
    public static LoginRequest from(LoginRequestPdu pdu) {
        return new LoginRequest(pdu.transit(), pdu.continues(), pdu.currentStage(), pdu.nextStage(),
                pdu.versionMax(), pdu.versionMin(), pdu.isid(), pdu.tsih(), pdu.cid(), pdu.itt(),
                ByteBufUtil.getBytes(pdu.text()));
    }
}

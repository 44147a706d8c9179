package io.basalt.target.pdu;

import java.util.Optional;

/**
 * What {@link PduDecoder} emits instead of a {@link Pdu} when the bytes on the wire break a
 * rule. It is a plain value (no buffers to release) that the session layer answers: a Reject
 * carrying {@link #bhs()} when {@link #rejectReason()} is present, then a close when
 * {@link #closeConnection()} says the stream can no longer be trusted or followed.
 */
public final class InvalidPdu {
    /** The rule that was broken. */
    public enum Reason {
        /**
         * Header digest mismatch: nothing in the header, including the lengths that frame the
         * next PDU, can be trusted, so there is no Reject (RFC 7143 §7.8) and the connection
         * must close; at ErrorRecoveryLevel 0 that means session recovery.
         */
        HEADER_DIGEST_ERROR(null),
        /** Data digest mismatch: Reject with reason 0x02 (RFC 7143 §7.8, §11.17.1). */
        DATA_DIGEST_ERROR(RejectReason.DATA_DIGEST_ERROR),
        /** DataSegmentLength above the MaxRecvDataSegmentLength we declared (RFC 7143 §13.12). */
        DATA_SEGMENT_TOO_LONG(RejectReason.PROTOCOL_ERROR),
        /** An opcode that is unassigned, vendor-specific or only sent the other way. */
        UNSUPPORTED_OPCODE(RejectReason.COMMAND_NOT_SUPPORTED);

        private final RejectReason reject;

        Reason(RejectReason reject) {
            this.reject = reject;
        }
    }

    private final Reason reason;
    private final byte[] bhs;
    private final String detail;
    private final boolean closeConnection;

    InvalidPdu(Reason reason, byte[] bhs, String detail, boolean closeConnection) {
        this.reason = reason;
        this.bhs = bhs.clone();
        this.detail = detail;
        this.closeConnection = closeConnection;
    }

    public Reason reason() {
        return reason;
    }

    /** A copy of the offending PDU's 48 header bytes, for the Reject's data segment. */
    public byte[] bhs() {
        return bhs.clone();
    }

    /** The six-bit opcode as received, which may be unassigned. */
    public int opcodeCode() {
        return bhs[0] & 0x3f;
    }

    public int itt() {
        return Bytes.i32(bhs, 16);
    }

    /** Which limit was broken, with the numbers, for the log line. */
    public String detail() {
        return detail;
    }

    /**
     * True if the decoder has stopped following the stream and drops all further input: the
     * session must close the connection (after a Reject if one is possible).
     */
    public boolean closeConnection() {
        return closeConnection;
    }

    /** The reason code to Reject with, if the PDU can be rejected at all. */
    public Optional<RejectReason> rejectReason() {
        return Optional.ofNullable(reason.reject);
    }

    @Override
    public String toString() {
        return "InvalidPdu{" + reason + ", opcode=0x" + Integer.toHexString(opcodeCode()) + ", " + detail
                + (closeConnection ? ", close" : "") + "}";
    }
}

package io.basalt.target.pdu;

/**
 * The iSCSI opcodes (RFC 7143 §11.1.1.1): the low six bits of BHS byte 0.
 *
 * <p>Initiator opcodes are 0x00-0x1f and target opcodes 0x20-0x3f; the vendor-specific codes
 * (0x1c-0x1e, 0x3c-0x3e) and all unassigned codes have no constant here, so {@link #fromCode}
 * answers null for them and the decoder turns them into an {@link InvalidPdu}.
 */
public enum Opcode {
    NOP_OUT(0x00),
    SCSI_COMMAND(0x01),
    TASK_MGMT_REQUEST(0x02),
    LOGIN_REQUEST(0x03),
    TEXT_REQUEST(0x04),
    SCSI_DATA_OUT(0x05),
    LOGOUT_REQUEST(0x06),
    SNACK(0x10),
    NOP_IN(0x20),
    SCSI_RESPONSE(0x21),
    TASK_MGMT_RESPONSE(0x22),
    LOGIN_RESPONSE(0x23),
    TEXT_RESPONSE(0x24),
    SCSI_DATA_IN(0x25),
    LOGOUT_RESPONSE(0x26),
    R2T(0x31),
    ASYNC_MESSAGE(0x32),
    REJECT(0x3f);

    /** Which end of the connection may send a PDU with this opcode. */
    public enum Sender { INITIATOR, TARGET }

    private static final Opcode[] BY_CODE = new Opcode[64];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** RFC 7143 §11.1.1.1: the 0x20 bit separates target opcodes from initiator opcodes. */
    public Sender sender() {
        return (code & 0x20) == 0 ? Sender.INITIATOR : Sender.TARGET;
    }

    /**
     * Looks up an opcode by its six-bit code.
     *
     * @param code BHS byte 0; the I bit and the reserved bit are masked off
     * @return the opcode, or null if the code is unassigned or vendor-specific
     */
    public static Opcode fromCode(int code) {
        return BY_CODE[code & 0x3f];
    }
}

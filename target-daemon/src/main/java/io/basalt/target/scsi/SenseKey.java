package io.basalt.target.scsi;

/** Sense keys (SPC-5 §4.4.8, table 52): the coarse class of a CHECK CONDITION. */
public enum SenseKey {
    NO_SENSE(0x0),
    RECOVERED_ERROR(0x1),
    NOT_READY(0x2),
    MEDIUM_ERROR(0x3),
    HARDWARE_ERROR(0x4),
    ILLEGAL_REQUEST(0x5),
    UNIT_ATTENTION(0x6),
    DATA_PROTECT(0x7),
    COPY_ABORTED(0xa),
    ABORTED_COMMAND(0xb),
    MISCOMPARE(0xe);

    private final int code;

    SenseKey(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

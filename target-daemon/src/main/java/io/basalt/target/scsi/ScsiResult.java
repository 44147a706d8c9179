package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;

/**
 * The outcome of a SCSI command: a status (GOOD, CHECK CONDITION with sense data,
 * RESERVATION CONFLICT, ...) and the Data-In the command produced. CHECK CONDITION is an
 * ordinary value, not an exception.
 *
 * <p>Ownership: {@code dataIn} (nullable) passes to the transport, which sends at most the
 * initiator's expected length of it, reports the residual, and releases it.
 *
 * @param status status byte (SAM-5)
 * @param sense  sense data (fixed format) or null
 * @param dataIn data for the initiator, or null
 */
public record ScsiResult(int status, byte[] sense, ByteBuf dataIn) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int TASK_ABORTED = 0x40;

    public static ScsiResult good() {
        return new ScsiResult(GOOD, null, null);
    }

    public static ScsiResult good(ByteBuf dataIn) {
        return new ScsiResult(GOOD, null, dataIn);
    }
}

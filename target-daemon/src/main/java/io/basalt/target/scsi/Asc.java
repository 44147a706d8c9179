package io.basalt.target.scsi;

/**
 * The additional sense codes Basalt reports (SPC-5 annex D, table D.1): the only ASC/ASCQ
 * pairs used anywhere in the SCSI layer, so the vocabulary can be read in one place.
 */
public enum Asc {
    NO_ADDITIONAL_SENSE(0x00, 0x00),
    OPERATION_IN_PROGRESS(0x00, 0x16),
    COPY_TARGET_DEVICE_NOT_REACHABLE(0x0d, 0x02),
    /** SAM-5: the Data-Out the initiator sent does not match what the CDB asks for. */
    INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT(0x0e, 0x03),
    UNRECOVERED_READ_ERROR(0x11, 0x00),
    PARAMETER_LIST_LENGTH_ERROR(0x1a, 0x00),
    MISCOMPARE_DURING_VERIFY(0x1d, 0x00),
    INVALID_COMMAND_OPERATION_CODE(0x20, 0x00),
    LBA_OUT_OF_RANGE(0x21, 0x00),
    INVALID_FIELD_IN_CDB(0x24, 0x00),
    LOGICAL_UNIT_NOT_SUPPORTED(0x25, 0x00),
    INVALID_FIELD_IN_PARAMETER_LIST(0x26, 0x00),
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION(0x26, 0x04),
    TOO_MANY_TARGET_DESCRIPTORS(0x26, 0x06),
    UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE(0x26, 0x07),
    TOO_MANY_SEGMENT_DESCRIPTORS(0x26, 0x08),
    UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE(0x26, 0x09),
    WRITE_PROTECTED(0x27, 0x00),
    /** SBC-4 §4.7.3.6: a thin-provisioned write found no space. */
    SPACE_ALLOCATION_FAILED_WRITE_PROTECT(0x27, 0x07),
    POWER_ON_RESET_OR_BUS_DEVICE_RESET(0x29, 0x00),
    BUS_DEVICE_RESET_FUNCTION_OCCURRED(0x29, 0x03),
    MODE_PARAMETERS_CHANGED(0x2a, 0x01),
    RESERVATIONS_PREEMPTED(0x2a, 0x03),
    RESERVATIONS_RELEASED(0x2a, 0x04),
    REGISTRATIONS_PREEMPTED(0x2a, 0x05),
    CAPACITY_DATA_HAS_CHANGED(0x2a, 0x09),
    SAVING_PARAMETERS_NOT_SUPPORTED(0x39, 0x00),
    REPORTED_LUNS_DATA_HAS_CHANGED(0x3f, 0x0e),
    INTERNAL_TARGET_FAILURE(0x44, 0x00),
    INVALID_MESSAGE_ERROR(0x49, 0x00);

    private final int asc;
    private final int ascq;

    Asc(int asc, int ascq) {
        this.asc = asc;
        this.ascq = ascq;
    }

    public int asc() {
        return asc;
    }

    public int ascq() {
        return ascq;
    }

    /** Unit attentions 29h/xx (resets) outrank every other pending one (SAM-5 §5.14). */
    boolean isReset() {
        return asc == 0x29;
    }
}

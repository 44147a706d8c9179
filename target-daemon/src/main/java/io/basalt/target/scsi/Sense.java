package io.basalt.target.scsi;

/**
 * Sense data, and the one place a CHECK CONDITION is built ({@link #result()}). Always
 * encoded in fixed format (SPC-5 §4.4.3): the Control mode page reports D_SENSE=0.
 *
 * @param key          the sense key
 * @param asc          additional sense code and qualifier
 * @param information  the INFORMATION field (an LBA, or a byte offset for MISCOMPARE), or null
 * @param fieldPointer the sense-key specific field pointer for ILLEGAL REQUEST, or null
 */
public record Sense(SenseKey key, Asc asc, Long information, FieldPointer fieldPointer) {
    /** Fixed-format sense data length: 8 header bytes plus an additional length of 10. */
    public static final int FIXED_LENGTH = 18;

    /**
     * Which byte (and bit) of the CDB or parameter list was wrong (SPC-5 §4.4.2.4.2).
     *
     * @param inCdb     true for the CDB (C/D=1), false for the parameter list
     * @param byteIndex the byte offset of the field
     * @param bit       the most significant bit of the field, or -1 for the whole byte
     */
    public record FieldPointer(boolean inCdb, int byteIndex, int bit) {
    }

    public static Sense of(SenseKey key, Asc asc) {
        return new Sense(key, asc, null, null);
    }

    public static Sense illegalRequest(Asc asc) {
        return of(SenseKey.ILLEGAL_REQUEST, asc);
    }

    /** ILLEGAL REQUEST, INVALID FIELD IN CDB pointing at {@code byteIndex} (bit or -1). */
    public static Sense invalidFieldInCdb(int byteIndex, int bit) {
        return new Sense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB, null,
                new FieldPointer(true, byteIndex, bit));
    }

    /** ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST pointing at {@code byteIndex}. */
    public static Sense invalidFieldInParameterList(int byteIndex, int bit) {
        return new Sense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST, null,
                new FieldPointer(false, byteIndex, bit));
    }

    public static Sense lbaOutOfRange() {
        return illegalRequest(Asc.LBA_OUT_OF_RANGE);
    }

    public static Sense unitAttention(Asc asc) {
        return of(SenseKey.UNIT_ATTENTION, asc);
    }

    public Sense withInformation(long value) {
        return new Sense(key, asc, value, fieldPointer);
    }

    /** This sense as a CHECK CONDITION outcome. */
    public ScsiResult result() {
        return new ScsiResult(ScsiResult.CHECK_CONDITION, toFixed(), null);
    }

    /**
     * Fixed-format sense data (SPC-5 §4.4.3, table 49). The VALID bit is set only when the
     * INFORMATION value fits the 4-byte field; larger values would need descriptor format.
     */
    public byte[] toFixed() {
        byte[] b = new byte[FIXED_LENGTH];
        boolean valid = information != null && information >= 0 && information <= 0xffffffffL;
        b[0] = (byte) ((valid ? 0x80 : 0) | 0x70);
        b[2] = (byte) key.code();
        if (valid) {
            putInt(b, 3, information);
        }
        b[7] = FIXED_LENGTH - 8;
        b[12] = (byte) asc.asc();
        b[13] = (byte) asc.ascq();
        if (fieldPointer != null) {
            int bit = fieldPointer.bit();
            b[15] = (byte) (0x80 | (fieldPointer.inCdb() ? 0x40 : 0) | (bit >= 0 ? 0x08 | (bit & 7) : 0));
            b[16] = (byte) (fieldPointer.byteIndex() >>> 8);
            b[17] = (byte) fieldPointer.byteIndex();
        }
        return b;
    }

    private static void putInt(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}

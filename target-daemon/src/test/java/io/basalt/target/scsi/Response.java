package io.basalt.target.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A command's outcome with its Data-In copied out (the buffer itself is released). */
record Response(int status, byte[] sense, byte[] data) {
    static Response of(ScsiResult r) {
        byte[] data = new byte[0];
        if (r.dataIn() != null) {
            data = new byte[r.dataIn().readableBytes()];
            r.dataIn().getBytes(r.dataIn().readerIndex(), data);
            r.dataIn().release();
        }
        return new Response(r.status(), r.sense(), data);
    }

    int senseKey() {
        return sense[2] & 0x0f;
    }

    int asc() {
        return sense[12] & 0xff;
    }

    int ascq() {
        return sense[13] & 0xff;
    }

    boolean informationValid() {
        return (sense[0] & 0x80) != 0;
    }

    long information() {
        return ((long) (sense[3] & 0xff) << 24) | ((sense[4] & 0xff) << 16) | ((sense[5] & 0xff) << 8) | (sense[6] & 0xff);
    }

    /** Sense-key specific field pointer, or -1 when SKSV is clear. */
    int fieldPointer() {
        return (sense[15] & 0x80) == 0 ? -1 : ((sense[16] & 0xff) << 8) | (sense[17] & 0xff);
    }

    Response assertGood() {
        assertEquals(ScsiResult.GOOD, status, () -> "expected GOOD, got status " + status
                + (sense == null ? "" : String.format(" sense %x/%02x/%02x", senseKey(), asc(), ascq())));
        return this;
    }

    /** CHECK CONDITION with this sense key and ASC/ASCQ. */
    Response assertSense(SenseKey key, Asc code) {
        assertEquals(ScsiResult.CHECK_CONDITION, status, "status");
        assertNotNull(sense, "sense data");
        assertEquals(0x70, sense[0] & 0x7f, "fixed format, current error");
        assertEquals(key.code(), senseKey(), "sense key");
        assertEquals(code.asc(), asc(), "ASC");
        assertEquals(code.ascq(), ascq(), "ASCQ");
        return this;
    }

    Response assertInvalidField(int fieldPointer) {
        assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        assertEquals(fieldPointer, fieldPointer(), "field pointer");
        return this;
    }

    Response assertConflict() {
        assertEquals(ScsiResult.RESERVATION_CONFLICT, status, "RESERVATION CONFLICT");
        return this;
    }

    int u8(int i) {
        return data[i] & 0xff;
    }

    int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }

    long u32(int i) {
        return ((long) u16(i) << 16) | u16(i + 2);
    }

    long u64(int i) {
        return (u32(i) << 32) | u32(i + 4);
    }
}

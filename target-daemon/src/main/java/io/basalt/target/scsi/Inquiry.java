package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/** INQUIRY (SPC-5 §6.7): standard data, or a VPD page with EVPD=1. */
final class Inquiry {
    /** Peripheral qualifier 000b, device type 00h: a direct-access block device is connected. */
    static final int DIRECT_ACCESS = 0x00;
    /** Peripheral qualifier 011b, device type 1Fh: no logical unit at this LUN (SPC-5 §6.7.2). */
    static final int NOT_CONNECTED = 0x7f;

    private static final int STANDARD_LENGTH = 74;
    /** SAM-5, iSCSI, SPC-4, SBC-3 (SPC-5 §6.7.2 table 149); SBC-3 is what initiators probe for. */
    private static final int[] VERSION_DESCRIPTORS = {0x00a0, 0x0960, 0x0460, 0x04c0};

    private Inquiry() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x02) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 1)); // CMDDT: obsolete, SPC-5 §6.7.1
        }
        int page = Cdb.u8(cdb, 2);
        int allocation = Cdb.u16(cdb, 3);
        if ((cdb[1] & 0x01) == 0) {
            if (page != 0) {
                return Command.now(Sense.invalidFieldInCdb(2, 7)); // PAGE CODE without EVPD
            }
            return Command.now(ParameterData.respond(standard(DIRECT_ACCESS), allocation));
        }
        byte[] vpd = VpdPages.page(r, page);
        if (vpd == null) {
            return Command.now(Sense.invalidFieldInCdb(2, 7));
        }
        return Command.now(ParameterData.respond(vpd, allocation));
    }

    /**
     * Standard INQUIRY data (SPC-5 §6.7.2). VERSION is 06h (SPC-4): conformance suites reject
     * larger values. HISUP=1, RESPONSE DATA FORMAT=2, 3PC=1 (EXTENDED COPY), CMDQUE=1; PROTECT=0 (no protection
     * information) and TPGS=0 (no ALUA).
     */
    static byte[] standard(int peripheral) {
        byte[] b = new byte[STANDARD_LENGTH];
        b[0] = (byte) peripheral;
        b[2] = 0x06;
        b[3] = 0x12;
        b[4] = (byte) (STANDARD_LENGTH - 5);
        b[5] = 0x08;
        b[7] = 0x02;
        System.arraycopy(DeviceIdentity.ascii(DeviceIdentity.VENDOR, 8), 0, b, 8, 8);
        System.arraycopy(DeviceIdentity.ascii(DeviceIdentity.PRODUCT, 16), 0, b, 16, 16);
        System.arraycopy(DeviceIdentity.ascii(DeviceIdentity.REVISION, 4), 0, b, 32, 4);
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            Cdb.put16(b, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return b;
    }
}

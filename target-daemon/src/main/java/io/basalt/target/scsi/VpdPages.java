package io.basalt.target.scsi;

import java.nio.charset.StandardCharsets;

/** The vital product data pages (SPC-5 §7.7, SBC-4 §6.6) a Basalt LU returns. */
final class VpdPages {
    private static final int[] SUPPORTED = {0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2};

    private VpdPages() {
    }

    /** The page, or null when it is not supported. */
    static byte[] page(ScsiRequest r, int code) {
        return switch (code) {
            case 0x00 -> supportedPages();
            case 0x80 -> unitSerialNumber(r.lun().device());
            case 0x83 -> DeviceIdentification.page(r.lun().device(), r.nexus());
            case 0xb0 -> BlockLimits.vpdPage(r.blockSize());
            case 0xb1 -> blockDeviceCharacteristics();
            case 0xb2 -> logicalBlockProvisioning();
            default -> null;
        };
    }

    /** Supported VPD Pages (SPC-5 §7.7.16): ascending page codes. */
    static byte[] supportedPages() {
        byte[] b = new byte[4 + SUPPORTED.length];
        Cdb.put16(b, 2, SUPPORTED.length);
        for (int i = 0; i < SUPPORTED.length; i++) {
            b[4 + i] = (byte) SUPPORTED[i];
        }
        return b;
    }

    /** Unit Serial Number (SPC-5 §7.7.18). */
    static byte[] unitSerialNumber(BlockDevice device) {
        byte[] serial = DeviceIdentity.serial(device).getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + serial.length];
        b[1] = (byte) 0x80;
        Cdb.put16(b, 2, serial.length);
        System.arraycopy(serial, 0, b, 4, serial.length);
        return b;
    }

    /** Block Device Characteristics (SBC-4 §6.6.2): MEDIUM ROTATION RATE 1 = non-rotating. */
    static byte[] blockDeviceCharacteristics() {
        byte[] b = new byte[64];
        b[1] = (byte) 0xb1;
        Cdb.put16(b, 2, b.length - 4);
        Cdb.put16(b, 4, 1);
        return b;
    }

    /**
     * Logical Block Provisioning (SBC-4 §6.6.6): LBPU (UNMAP), LBPWS and LBPWS10 (WRITE SAME
     * with UNMAP), LBPRZ=001b (unmapped blocks read as zeros), ANC_SUP=0, provisioning type
     * 010b (thin).
     */
    static byte[] logicalBlockProvisioning() {
        byte[] b = new byte[8];
        b[1] = (byte) 0xb2;
        Cdb.put16(b, 2, 4);
        b[5] = (byte) (0x80 | 0x40 | 0x20 | 0x04);
        b[6] = 0x02;
        return b;
    }
}

package io.basalt.target.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Device Identification VPD page (SPC-5 §7.7.6): the logical unit's NAA and T10 vendor
 * designators, then the target port (relative port, SCSI name string) and the target device
 * name, which iSCSI initiators use to tell paths apart (SPC-5 §7.7.6.11).
 */
final class DeviceIdentification {
    private static final int CODE_BINARY = 1;
    private static final int CODE_ASCII = 2;
    private static final int CODE_UTF8 = 3;
    private static final int ASSOC_LU = 0;
    private static final int ASSOC_TARGET_PORT = 1;
    private static final int ASSOC_TARGET_DEVICE = 2;
    private static final int TYPE_T10 = 1;
    private static final int TYPE_NAA = 3;
    private static final int TYPE_RELATIVE_PORT = 4;
    private static final int TYPE_SCSI_NAME = 8;
    /** PROTOCOL IDENTIFIER 5h: iSCSI (SPC-5 §7.6.1 table 455). */
    private static final int ISCSI = 5;

    private DeviceIdentification() {
    }

    static byte[] page(BlockDevice device, Nexus nexus) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        designator(d, 0, CODE_BINARY, ASSOC_LU, TYPE_NAA, DeviceIdentity.naa(device));
        byte[] t10 = (new String(DeviceIdentity.ascii(DeviceIdentity.VENDOR, 8), StandardCharsets.US_ASCII)
                + DeviceIdentity.serial(device)).getBytes(StandardCharsets.US_ASCII);
        designator(d, 0, CODE_ASCII, ASSOC_LU, TYPE_T10, t10);
        if (nexus != null) {
            byte[] rel = new byte[4];
            Cdb.put16(rel, 2, Math.max(1, nexus.portalGroup()));
            designator(d, ISCSI, CODE_BINARY, ASSOC_TARGET_PORT, TYPE_RELATIVE_PORT, rel);
            String port = nexus.targetName() + ",t,0x" + String.format("%04x", nexus.portalGroup());
            designator(d, ISCSI, CODE_UTF8, ASSOC_TARGET_PORT, TYPE_SCSI_NAME, scsiName(port));
            designator(d, ISCSI, CODE_UTF8, ASSOC_TARGET_DEVICE, TYPE_SCSI_NAME, scsiName(nexus.targetName()));
        }
        byte[] body = d.toByteArray();
        byte[] b = new byte[4 + body.length];
        b[1] = (byte) 0x83;
        Cdb.put16(b, 2, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    /** Designation descriptor (SPC-5 §7.7.6.1); PIV=1 whenever a protocol is named. */
    private static void designator(ByteArrayOutputStream out, int protocol, int codeSet, int association, int type,
                                   byte[] value) {
        out.write((protocol << 4) | codeSet);
        out.write((protocol != 0 ? 0x80 : 0) | (association << 4) | type);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
    }

    /** SCSI name string: UTF-8, null terminated, padded to a multiple of 4 (SPC-5 §7.7.6.11). */
    private static byte[] scsiName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[(utf8.length + 1 + 3) & ~3];
        System.arraycopy(utf8, 0, b, 0, utf8.length);
        return b;
    }
}

package io.basalt.target.scsi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a Basalt logical unit names itself: T10 vendor identification, product, revision, the
 * unit serial number and the NAA designator, all derived from the device id so they are stable
 * across restarts and identical on every path (multipath initiators match LUs by them).
 */
final class DeviceIdentity {
    static final String VENDOR = "BASALT";
    static final String PRODUCT = "Basalt Volume";
    static final String REVISION = "0001";
    /**
     * IEEE company id placed in the NAA IEEE Registered Extended designator. Zero until Basalt
     * has an assigned OUI; the designator stays unique per volume id either way.
     */
    static final int IEEE_COMPANY_ID = 0x000000;

    private DeviceIdentity() {
    }

    /** Unit serial number (VPD 80h): the device id as 16 hex digits. */
    static String serial(BlockDevice device) {
        return String.format("%016x", device.id());
    }

    /**
     * NAA IEEE Registered Extended designator (SPC-5 §7.7.6.6.5): NAA 6h, the company id, a
     * 36-bit vendor-specific field (zero) and the 64-bit device id as the extension.
     */
    static byte[] naa(BlockDevice device) {
        byte[] b = new byte[16];
        long high = (6L << 60) | ((long) IEEE_COMPANY_ID << 36);
        Cdb.put64(b, 0, high);
        Cdb.put64(b, 8, device.id());
        return b;
    }

    /** ASCII field of exactly {@code width} bytes, space padded (SPC-5 §4.3.1). */
    static byte[] ascii(String s, int width) {
        byte[] out = new byte[width];
        Arrays.fill(out, (byte) ' ');
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, out, 0, Math.min(width, src.length));
        return out;
    }
}

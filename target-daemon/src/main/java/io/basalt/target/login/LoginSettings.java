package io.basalt.target.login;

/**
 * The target's side of operational negotiation: the values it offers into each negotiation
 * function of RFC 7143 §13. Keys the initiator does not send keep their RFC defaults; the
 * target never opens a negotiation of its own, so it never has to wait for an answer before
 * it can let the initiator transit.
 *
 * @param maxRecvDataSegmentLength what we declare we can receive, 512..2^24-1 (§13.12)
 * @param maxBurstLength our offer into the minimum function (§13.13)
 * @param firstBurstLength our offer into the minimum function (§13.14)
 * @param initialR2T our offer into the OR function (§13.10); true keeps unsolicited data off
 * @param immediateData our offer into the AND function (§13.11)
 * @param maxOutstandingR2T our offer into the minimum function (§13.17)
 * @param defaultTime2Wait our offer into the maximum function (§13.15)
 * @param defaultTime2Retain our offer into the minimum function (§13.16)
 * @param portalGroupTag the TargetPortalGroupTag we declare (§13.9)
 */
public record LoginSettings(int maxRecvDataSegmentLength, int maxBurstLength, int firstBurstLength,
        boolean initialR2T, boolean immediateData, int maxOutstandingR2T, int defaultTime2Wait,
        int defaultTime2Retain, int portalGroupTag) {

    static final int MIN_LENGTH = 512;
    static final int MAX_LENGTH = (1 << 24) - 1;

    public LoginSettings {
        check("MaxRecvDataSegmentLength", maxRecvDataSegmentLength, MIN_LENGTH, MAX_LENGTH);
        check("MaxBurstLength", maxBurstLength, MIN_LENGTH, MAX_LENGTH);
        check("FirstBurstLength", firstBurstLength, MIN_LENGTH, maxBurstLength);
        check("MaxOutstandingR2T", maxOutstandingR2T, 1, 65535);
        check("DefaultTime2Wait", defaultTime2Wait, 0, 3600);
        check("DefaultTime2Retain", defaultTime2Retain, 0, 3600);
        check("TargetPortalGroupTag", portalGroupTag, 0, 65535);
    }

    /**
     * 256 KiB data segments, 1 MiB bursts (the size most initiators split I/O at), the RFC
     * default first burst, immediate data on, unsolicited Data-Out off, one outstanding R2T.
     */
    public static LoginSettings defaults() {
        return new LoginSettings(262144, 1 << 20, 262144, false, true, 1, 2, 20, 1);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
        }
    }
}

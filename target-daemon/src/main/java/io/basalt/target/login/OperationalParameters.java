package io.basalt.target.login;

import io.basalt.target.pdu.Digests;

/**
 * The outcome of a successful login: who logged in and the negotiated values of RFC 7143 §13
 * that the session layer works by.
 *
 * @param targetName empty for a Discovery session
 * @param initiatorAlias empty if none was declared
 * @param isid the initiator's session id part (48 bits)
 * @param tsih the TSIH the initiator sent (0 for a new session)
 * @param initiatorMaxRecvDataSegmentLength the longest data segment we may send
 * @param targetMaxRecvDataSegmentLength what we declared: the decoder's limit from now on
 */
public record OperationalParameters(
        SessionType sessionType,
        String initiatorName,
        String initiatorAlias,
        String targetName,
        long isid,
        int tsih,
        int cid,
        boolean headerDigest,
        boolean dataDigest,
        int maxConnections,
        boolean initialR2T,
        boolean immediateData,
        int initiatorMaxRecvDataSegmentLength,
        int targetMaxRecvDataSegmentLength,
        int maxBurstLength,
        int firstBurstLength,
        int defaultTime2Wait,
        int defaultTime2Retain,
        int maxOutstandingR2T,
        boolean dataPduInOrder,
        boolean dataSequenceInOrder,
        int errorRecoveryLevel) {

    /** The digests to switch the codec to after the final Login Response. */
    public Digests digests() {
        return new Digests(headerDigest, dataDigest);
    }

    /** Negotiation results so far, starting from the RFC 7143 §13 defaults. */
    static final class Builder {
        SessionType sessionType = SessionType.NORMAL;
        String initiatorName = "";
        String initiatorAlias = "";
        String targetName = "";
        long isid;
        int tsih;
        int cid;
        boolean headerDigest;
        boolean dataDigest;
        int maxConnections = 1;
        boolean initialR2T = true;
        boolean immediateData = true;
        int initiatorMaxRecvDataSegmentLength = 8192;
        int targetMaxRecvDataSegmentLength = 8192;
        int maxBurstLength = 262144;
        int firstBurstLength = 65536;
        int defaultTime2Wait = 2;
        int defaultTime2Retain = 20;
        int maxOutstandingR2T = 1;
        boolean dataPduInOrder = true;
        boolean dataSequenceInOrder = true;
        int errorRecoveryLevel;

        /**
         * FirstBurstLength must not exceed MaxBurstLength (RFC 7143 §13.14); an initiator that
         * offered otherwise gets the smaller of the two rather than a failed login.
         */
        OperationalParameters build() {
            return new OperationalParameters(sessionType, initiatorName, initiatorAlias, targetName, isid, tsih,
                    cid, headerDigest, dataDigest, maxConnections, initialR2T, immediateData,
                    initiatorMaxRecvDataSegmentLength, targetMaxRecvDataSegmentLength, maxBurstLength,
                    Math.min(firstBurstLength, maxBurstLength), defaultTime2Wait, defaultTime2Retain,
                    maxOutstandingR2T, dataPduInOrder, dataSequenceInOrder, errorRecoveryLevel);
        }
    }
}

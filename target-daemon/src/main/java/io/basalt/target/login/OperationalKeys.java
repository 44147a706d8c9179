package io.basalt.target.login;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers to the operational keys of RFC 7143 §13, one table entry per key. Each rule reads the
 * initiator's offer, combines it with our {@link LoginSettings} by the key's negotiation function,
 * records the result and returns the value to answer with ({@code null} for declarative keys,
 * which get no answer). A value that does not parse is answered with "Reject" and the default
 * stays (RFC 7143 §6.2).
 */
final class OperationalKeys {
    static final String REJECT = "Reject";
    static final String IRRELEVANT = "Irrelevant";
    private static final int MIN_LENGTH = LoginSettings.MIN_LENGTH;
    private static final int MAX_LENGTH = LoginSettings.MAX_LENGTH;

    /** One key's negotiation. */
    interface Rule {
        String answer(String offer, LoginSettings ours, OperationalParameters.Builder result) throws TextFormatException;
    }

    /** Keys that RFC 7143 §13 marks "Irrelevant when: SessionType=Discovery". */
    private static final Set<String> IRRELEVANT_IN_DISCOVERY = Set.of("MaxConnections", "InitialR2T",
            "ImmediateData", "MaxBurstLength", "FirstBurstLength", "MaxOutstandingR2T", "DataPDUInOrder",
            "DataSequenceInOrder");

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("HeaderDigest", (v, s, r) -> digest(r.headerDigest = pickDigest(v))),
            Map.entry("DataDigest", (v, s, r) -> digest(r.dataDigest = pickDigest(v))),
            // §13.2: we run one connection per session, whatever the initiator offers.
            Map.entry("MaxConnections", (v, s, r) -> {
                TextValues.number(v, 1, 65535);
                return Integer.toString(r.maxConnections = 1);
            }),
            Map.entry("InitialR2T", (v, s, r) -> yesNo(r.initialR2T = TextValues.bool(v) || s.initialR2T())),
            Map.entry("ImmediateData", (v, s, r) -> yesNo(r.immediateData = TextValues.bool(v) && s.immediateData())),
            // §13.12: declarative; it bounds what we send, and needs no answer.
            Map.entry("MaxRecvDataSegmentLength", (v, s, r) -> {
                r.initiatorMaxRecvDataSegmentLength = (int) TextValues.number(v, MIN_LENGTH, MAX_LENGTH);
                return null;
            }),
            Map.entry("MaxBurstLength", (v, s, r) -> Integer.toString(
                    r.maxBurstLength = min(v, MIN_LENGTH, MAX_LENGTH, s.maxBurstLength()))),
            Map.entry("FirstBurstLength", (v, s, r) -> Integer.toString(
                    r.firstBurstLength = min(v, MIN_LENGTH, MAX_LENGTH, s.firstBurstLength()))),
            Map.entry("DefaultTime2Wait", (v, s, r) -> Integer.toString(
                    r.defaultTime2Wait = Math.max((int) TextValues.number(v, 0, 3600), s.defaultTime2Wait()))),
            Map.entry("DefaultTime2Retain", (v, s, r) -> Integer.toString(
                    r.defaultTime2Retain = min(v, 0, 3600, s.defaultTime2Retain()))),
            Map.entry("MaxOutstandingR2T", (v, s, r) -> Integer.toString(
                    r.maxOutstandingR2T = min(v, 1, 65535, s.maxOutstandingR2T()))),
            // §13.18, §13.19: OR functions, and we want both in order.
            Map.entry("DataPDUInOrder", (v, s, r) -> {
                TextValues.bool(v);
                r.dataPduInOrder = true;
                return "Yes";
            }),
            Map.entry("DataSequenceInOrder", (v, s, r) -> {
                TextValues.bool(v);
                r.dataSequenceInOrder = true;
                return "Yes";
            }),
            // §13.20: minimum function; we implement level 0 only.
            Map.entry("ErrorRecoveryLevel", (v, s, r) -> Integer.toString(r.errorRecoveryLevel = min(v, 0, 2, 0))),
            // §13.25: markers are obsolete; answering No is allowed and older initiators understand it.
            Map.entry("IFMarker", OperationalKeys::noMarkers),
            Map.entry("OFMarker", OperationalKeys::noMarkers),
            Map.entry("IFMarkInt", (v, s, r) -> REJECT),
            Map.entry("OFMarkInt", (v, s, r) -> REJECT),
            // §13.23: we implement the original task reporting only.
            Map.entry("TaskReporting", (v, s, r) -> list(v).contains("RFC3720") ? "RFC3720" : REJECT),
            // §13.24: minimum function; 1 is the level of RFC 7143 itself.
            Map.entry("iSCSIProtocolLevel", (v, s, r) -> Integer.toString(min(v, 0, 31, 1))));

    private OperationalKeys() {
    }

    static boolean handles(String key) {
        return RULES.containsKey(key);
    }

    /** The answer for one operational key; null means the key needs none. */
    static String answer(String key, String offer, SessionType type, LoginSettings ours,
            OperationalParameters.Builder result) {
        if (type == SessionType.DISCOVERY && IRRELEVANT_IN_DISCOVERY.contains(key)) {
            return IRRELEVANT;
        }
        try {
            return RULES.get(key).answer(offer, ours, result);
        } catch (TextFormatException e) {
            return REJECT;
        }
    }

    private static int min(String offer, int lo, int hi, int ours) throws TextFormatException {
        return (int) Math.min(TextValues.number(offer, lo, hi), ours);
    }

    /** List negotiation (§6.2.1): the first of the initiator's values that we support. */
    private static boolean pickDigest(String offer) throws TextFormatException {
        for (String v : list(offer)) {
            if (v.equals("CRC32C")) {
                return true;
            }
            if (v.equals("None")) {
                return false;
            }
        }
        throw new TextFormatException("no supported digest in \"" + offer + "\"");
    }

    static List<String> list(String offer) {
        return List.of(offer.split(",", -1));
    }

    private static String noMarkers(String offer, LoginSettings ours, OperationalParameters.Builder result)
            throws TextFormatException {
        TextValues.bool(offer);
        return "No";
    }

    private static String digest(boolean crc32c) {
        return crc32c ? "CRC32C" : "None";
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }
}

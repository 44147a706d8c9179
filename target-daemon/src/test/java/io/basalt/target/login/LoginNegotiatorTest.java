package io.basalt.target.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.target.pdu.Pdu;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class LoginNegotiatorTest {
    private static final String TARGET = "iqn.2024-01.io.basalt:vol1";
    private static final String INITIATOR = "iqn.2005-03.org.open-iscsi:host1";
    private static final long ISID = 0x23d000000001L;
    private static final String SECRET = "initiator-secret-16";
    private static final String TARGET_SECRET = "target-secret-0016";

    private final FakeTargets targets = new FakeTargets().target(TARGET, INITIATOR);

    private LoginNegotiator negotiator() {
        return negotiator(LoginSettings.defaults());
    }

    private LoginNegotiator negotiator(LoginSettings settings) {
        return new LoginNegotiator(targets, settings);
    }

    private static LoginRequest request(int csg, int nsg, boolean transit, String... keys) {
        return new LoginRequest(transit, false, csg, nsg, 0, 0, ISID, 0, 1, 0x10, TextParameters.of(keys).encode());
    }

    private static String[] identity() {
        return new String[] {"InitiatorName", INITIATOR, "TargetName", TARGET, "SessionType", "Normal"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** What libiscsi sends in its operational stage (lib/login.c), order kept. */
    private static String[] libiscsiOperationalKeys() {
        return new String[] {"HeaderDigest", "None,CRC32C", "DataDigest", "None", "InitialR2T", "No",
            "ImmediateData", "Yes", "MaxBurstLength", "262144", "FirstBurstLength", "262144",
            "DefaultTime2Wait", "2", "DefaultTime2Retain", "0", "MaxOutstandingR2T", "1", "ErrorRecoveryLevel", "0",
            "IFMarker", "No", "OFMarker", "No", "MaxConnections", "1", "MaxRecvDataSegmentLength", "262144",
            "DataPDUInOrder", "Yes", "DataSequenceInOrder", "Yes"};
    }

    private static void assertStatus(LoginStatus expected, LoginStep step) {
        assertEquals(expected, step.status(), step.reason());
        assertTrue(step.failed());
        assertFalse(step.transit());
        assertTrue(step.keys().isEmpty(), "a failed login answers no keys");
    }

    @Test
    void libiscsiWithoutChapSkipsTheSecurityStageAndCompletesInOneExchange() {
        targets.aliases.put(TARGET, "vol1");
        LoginStep step = negotiator().handle(request(1, 3, true, concat(identity(), libiscsiOperationalKeys())));
        assertEquals(LoginStatus.SUCCESS, step.status(), step.reason());
        assertTrue(step.transit());
        assertEquals(LoginStage.OPERATIONAL, step.currentStage());
        assertEquals(LoginStage.FULL_FEATURE, step.nextStage());
        // libiscsi offers InitialR2T=No and FirstBurstLength=262144; the target's defaults accept
        // both, so writes up to 256 KiB need no R2T round trip.
        assertEquals(TextParameters.of("HeaderDigest", "None", "DataDigest", "None", "InitialR2T", "No",
                "ImmediateData", "Yes", "MaxBurstLength", "262144", "FirstBurstLength", "262144",
                "DefaultTime2Wait", "2", "DefaultTime2Retain", "0", "MaxOutstandingR2T", "1", "ErrorRecoveryLevel", "0",
                "IFMarker", "No", "OFMarker", "No", "MaxConnections", "1", "DataPDUInOrder", "Yes",
                "DataSequenceInOrder", "Yes", "TargetPortalGroupTag", "1", "MaxRecvDataSegmentLength", "262144",
                "TargetAlias", "vol1"), step.keys());
        OperationalParameters p = step.parameters();
        assertTrue(step.complete());
        assertEquals(SessionType.NORMAL, p.sessionType());
        assertEquals(INITIATOR, p.initiatorName());
        assertEquals(TARGET, p.targetName());
        assertEquals(ISID, p.isid());
        assertFalse(p.headerDigest());
        assertFalse(p.initialR2T());
        assertEquals(262144, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(262144, p.targetMaxRecvDataSegmentLength());
        assertEquals(262144, p.firstBurstLength());
        assertEquals(0, p.defaultTime2Retain());
    }

    @Test
    void authMethodNoneThenOperationalStageNegotiatesDigests() {
        LoginNegotiator n = negotiator();
        LoginStep security = n.handle(request(0, 1, true, concat(identity(), "InitiatorAlias", "host1",
                "AuthMethod", "None")));
        assertEquals(LoginStatus.SUCCESS, security.status(), security.reason());
        assertTrue(security.transit());
        assertEquals(LoginStage.SECURITY, security.currentStage());
        assertEquals(LoginStage.OPERATIONAL, security.nextStage());
        assertEquals(TextParameters.of("AuthMethod", "None", "TargetPortalGroupTag", "1"), security.keys());
        assertFalse(security.complete());

        LoginStep operational = n.handle(request(1, 3, true, "HeaderDigest", "CRC32C,None", "DataDigest", "CRC32C",
                "MaxRecvDataSegmentLength", "65536", "MaxBurstLength", "16776192", "DefaultTime2Wait", "0"));
        assertEquals(TextParameters.of("HeaderDigest", "CRC32C", "DataDigest", "CRC32C", "MaxBurstLength", "1048576",
                "DefaultTime2Wait", "2", "MaxRecvDataSegmentLength", "262144"), operational.keys());
        OperationalParameters p = operational.parameters();
        assertTrue(p.headerDigest());
        assertTrue(p.dataDigest());
        assertEquals("host1", p.initiatorAlias());
        assertEquals(65536, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(1 << 20, p.maxBurstLength());
        assertEquals(2, p.defaultTime2Wait());
        assertTrue(p.digests().header() && p.digests().data());
    }

    @Test
    void discoverySessionNeedsNoTargetAndFindsSessionKeysIrrelevant() {
        LoginNegotiator n = negotiator();
        LoginStep security = n.handle(request(0, 1, true, "InitiatorName", INITIATOR, "SessionType", "Discovery",
                "AuthMethod", "None"));
        assertEquals(TextParameters.of("AuthMethod", "None"), security.keys(), "no TargetPortalGroupTag for discovery");
        LoginStep operational = n.handle(request(1, 3, true, "HeaderDigest", "None", "InitialR2T", "Yes",
                "MaxBurstLength", "262144", "MaxRecvDataSegmentLength", "32768"));
        assertEquals(TextParameters.of("HeaderDigest", "None", "InitialR2T", "Irrelevant", "MaxBurstLength",
                "Irrelevant", "MaxRecvDataSegmentLength", "262144"), operational.keys());
        assertEquals(SessionType.DISCOVERY, operational.parameters().sessionType());
        assertEquals("", operational.parameters().targetName());
    }

    @Test
    void discoveryChapUsesTheDiscoveryCredentials() {
        targets.discoveryChap.put(INITIATOR, ChapCredentials.oneWay("disc", SECRET));
        LoginNegotiator n = negotiator();
        LoginStep first = n.handle(request(0, 1, true, "InitiatorName", INITIATOR, "SessionType", "Discovery",
                "AuthMethod", "CHAP,None"));
        assertEquals(TextParameters.of("AuthMethod", "CHAP"), first.keys());
        assertFalse(first.transit());
    }

    // ---- CHAP, computed independently of the code under test (RFC 1994 §4.1) ----

    private static byte[] md5(int id, String secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update((byte) id);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            return md.digest(challenge);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A login at the target's CHAP challenge (after CHAP_A): the negotiator, CHAP_I and CHAP_C. */
    private record Chap(LoginNegotiator n, int id, byte[] bytes) {
        /** The CHAP_R of an initiator that knows {@code secret}, in upper-case hex. */
        String response(String secret) {
            return upperHex(md5(id, secret, bytes));
        }

        /** Answers as {@code name} with the response for {@code secret}, plus {@code extra} keys. */
        LoginStep answer(String name, String secret, String... extra) {
            return n.handle(request(0, 1, true, concat(new String[] {"CHAP_N", name, "CHAP_R", response(secret)}, extra)));
        }
    }

    /** Registers {@code credentials} for the test initiator and runs a fresh login up to the challenge. */
    private Chap startChap(ChapCredentials credentials) {
        targets.chap.put(TARGET + "|" + INITIATOR, credentials);
        LoginNegotiator n = negotiator();
        LoginStep offer = n.handle(request(0, 1, true, concat(identity(), "AuthMethod", "CHAP,None")));
        assertEquals(TextParameters.of("AuthMethod", "CHAP", "TargetPortalGroupTag", "1"), offer.keys());
        assertFalse(offer.transit(), "no transit until CHAP is done");
        LoginStep algorithm = n.handle(request(0, 1, false, "CHAP_A", "7,5"));
        assertEquals(LoginStatus.SUCCESS, algorithm.status(), algorithm.reason());
        assertEquals("5", algorithm.keys().get("CHAP_A").orElseThrow());
        int id = Integer.parseInt(algorithm.keys().get("CHAP_I").orElseThrow());
        String c = algorithm.keys().get("CHAP_C").orElseThrow();
        assertTrue(c.startsWith("0x"), c);
        byte[] challenge = HexFormat.of().parseHex(c.substring(2));
        assertTrue(challenge.length >= 16, "challenge of " + challenge.length + " bytes");
        assertTrue(id >= 0 && id <= 255);
        return new Chap(n, id, challenge);
    }

    private static String upperHex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT);
    }

    @Test
    void chapLoginLikeLibiscsiIncludingItsRepeatedIdentityKeys() {
        Chap ch = startChap(ChapCredentials.oneWay("user1", SECRET));
        LoginStep response = ch.answer("user1", SECRET);
        assertEquals(LoginStatus.SUCCESS, response.status(), response.reason());
        assertTrue(response.transit());
        assertEquals(LoginStage.OPERATIONAL, response.nextStage());
        assertTrue(response.keys().isEmpty());
        LoginStep done = ch.n().handle(request(1, 3, true, concat(identity(), libiscsiOperationalKeys())));
        assertEquals(LoginStatus.SUCCESS, done.status(), done.reason());
        assertTrue(done.complete());
    }

    @Test
    void chapResponseMayBeBase64() {
        Chap ch = startChap(ChapCredentials.oneWay("user1", SECRET));
        String b64 = "0b" + Base64.getEncoder().encodeToString(md5(ch.id(), SECRET, ch.bytes()));
        LoginStep response = ch.n().handle(request(0, 3, true, "CHAP_N", "user1", "CHAP_R", b64));
        assertEquals(LoginStatus.SUCCESS, response.status(), response.reason());
        assertTrue(response.complete(), "security straight to full feature is allowed");
        assertEquals("262144", response.keys().get("MaxRecvDataSegmentLength").orElseThrow());
    }

    @Test
    void mutualChapAnswersWithTheTargetSecret() {
        Chap ch = startChap(ChapCredentials.mutual("user1", SECRET, "tgt", TARGET_SECRET));
        byte[] ours = new byte[32];
        for (int i = 0; i < ours.length; i++) {
            ours[i] = (byte) (i * 7 + 1);
        }
        LoginStep step = ch.answer("user1", SECRET, "CHAP_I", "42", "CHAP_C", "0x" + HexFormat.of().formatHex(ours));
        assertEquals(LoginStatus.SUCCESS, step.status(), step.reason());
        assertTrue(step.transit());
        assertEquals("tgt", step.keys().get("CHAP_N").orElseThrow());
        String r = step.keys().get("CHAP_R").orElseThrow();
        assertEquals(HexFormat.of().formatHex(md5(42, TARGET_SECRET, ours)), r.substring(2));
    }

    @Test
    void wrongSecretFailsAuthenticationWithoutNamingTheSecret() {
        Chap ch = startChap(ChapCredentials.oneWay("user1", SECRET));
        LoginStep step = ch.answer("user1", "not-the-secret!!");
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, step);
        assertEquals(2, step.status().statusClass());
        assertEquals(1, step.status().statusDetail());
        assertFalse(step.reason().contains(SECRET));
        assertThrows(IllegalStateException.class, () -> ch.n().handle(request(0, 1, true)));
    }

    @Test
    void wrongChapNameFailsEvenWithTheRightResponse() {
        Chap ch = startChap(ChapCredentials.oneWay("user1", SECRET));
        LoginStep step = ch.answer("user2", SECRET);
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, step);
    }

    @Test
    void mutualChapRefusesOurOwnChallengeReflected() {
        Chap ch = startChap(ChapCredentials.mutual("user1", SECRET, "tgt", TARGET_SECRET));
        LoginStep step = ch.answer("user1", SECRET, "CHAP_I", Integer.toString(ch.id()),
                "CHAP_C", "0x" + HexFormat.of().formatHex(ch.bytes()));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, step);
        assertTrue(step.reason().contains("repeats our challenge"), step.reason());
    }

    @Test
    void mutualChapWithoutTargetCredentialsFails() {
        Chap ch = startChap(ChapCredentials.oneWay("user1", SECRET));
        LoginStep step = ch.answer("user1", SECRET, "CHAP_I", "1", "CHAP_C", "0x0102030405");
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, step);
    }

    @Test
    void mutualChapWithTheSameSecretBothWaysFails() {
        Chap ch = startChap(ChapCredentials.mutual("user1", SECRET, "tgt", SECRET));
        LoginStep step = ch.answer("user1", SECRET, "CHAP_I", "1", "CHAP_C", "0x0102030405");
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, step);
    }

    @Test
    void chapWithoutMd5AmongTheAlgorithmsFails() {
        targets.chap.put(TARGET + "|" + INITIATOR, ChapCredentials.oneWay("user1", SECRET));
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, true, concat(identity(), "AuthMethod", "CHAP")));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE, n.handle(request(0, 1, false, "CHAP_A", "6,7")));
    }

    @Test
    void requiredChapCannotBeAvoided() {
        targets.chap.put(TARGET + "|" + INITIATOR, ChapCredentials.oneWay("user1", SECRET));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE,
                negotiator().handle(request(0, 1, true, concat(identity(), "AuthMethod", "None"))));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE,
                negotiator().handle(request(1, 3, true, identity())));
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE,
                negotiator().handle(request(0, 1, true, identity())));
    }

    @Test
    void chapOnlyOfferWithoutConfiguredCredentialsFails() {
        assertStatus(LoginStatus.AUTHENTICATION_FAILURE,
                negotiator().handle(request(0, 1, true, concat(identity(), "AuthMethod", "CHAP"))));
    }

    @Test
    void initiatorOutsideTheAclIsRefusedAuthorization() {
        LoginStep step = negotiator().handle(request(0, 1, true, "InitiatorName", "iqn.2005-03.org.evil:x",
                "TargetName", TARGET, "AuthMethod", "None"));
        assertStatus(LoginStatus.AUTHORIZATION_FAILURE, step);
        assertEquals(0x0202, step.status().code());
    }

    @Test
    void unknownTargetIsNotFound() {
        LoginStep step = negotiator().handle(request(0, 1, true, "InitiatorName", INITIATOR,
                "TargetName", "iqn.2024-01.io.basalt:nope", "AuthMethod", "None"));
        assertStatus(LoginStatus.NOT_FOUND, step);
        assertEquals(0x0203, step.status().code());
    }

    @Test
    void missingNamesAreMissingParameters() {
        assertStatus(LoginStatus.MISSING_PARAMETER, negotiator().handle(request(0, 1, true, "TargetName", TARGET)));
        assertStatus(LoginStatus.MISSING_PARAMETER, negotiator().handle(request(0, 1, true, "InitiatorName", INITIATOR)));
    }

    @Test
    void unknownSessionTypeIsNotSupported() {
        assertStatus(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, negotiator().handle(request(0, 1, true,
                "InitiatorName", INITIATOR, "SessionType", "Fancy")));
    }

    @Test
    void onlyVersionZeroIsSpoken() {
        LoginRequest v1 = new LoginRequest(true, false, 0, 1, 2, 1, ISID, 0, 1, 0, TextParameters.of(identity()).encode());
        assertStatus(LoginStatus.UNSUPPORTED_VERSION, negotiator().handle(v1));
    }

    @Test
    void stageRuleViolationsAreInitiatorErrors() {
        assertStatus(LoginStatus.INITIATOR_ERROR, negotiator().handle(request(0, 2, true, identity())));
        assertStatus(LoginStatus.INITIATOR_ERROR, negotiator().handle(request(3, 3, true, identity())));
        assertStatus(LoginStatus.INITIATOR_ERROR, negotiator().handle(request(1, 0, true, identity())));
        LoginRequest both = new LoginRequest(true, true, 0, 1, 0, 0, ISID, 0, 1, 0, new byte[0]);
        assertStatus(LoginStatus.INITIATOR_ERROR, negotiator().handle(both));
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, true, concat(identity(), "AuthMethod", "None")));
        assertStatus(LoginStatus.INITIATOR_ERROR, n.handle(request(0, 1, true, "AuthMethod", "None")));
    }

    @Test
    void securityKeysInTheOperationalStageAreRefused() {
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, true, concat(identity(), "AuthMethod", "None")));
        assertStatus(LoginStatus.INITIATOR_ERROR, n.handle(request(1, 3, true, "CHAP_A", "5")));
    }

    @Test
    void renegotiatingAKeyWithAnotherValueIsRefused() {
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, true, concat(identity(), "AuthMethod", "None", "MaxBurstLength", "65536")));
        assertStatus(LoginStatus.INITIATOR_ERROR, n.handle(request(1, 3, true, "MaxBurstLength", "131072")));
        assertStatus(LoginStatus.INITIATOR_ERROR, negotiator().handle(request(0, 1, true,
                concat(identity(), "AuthMethod", "None", "AuthMethod", "None"))));
    }

    @Test
    void unknownIrrelevantAndInvalidKeysGetTheirAnswers() {
        LoginStep step = negotiator().handle(request(1, 3, true, concat(identity(), "X-com.example.Foo", "1",
                "FancyKey", "x", "MaxBurstLength", "100", "HeaderDigest", "MD5", "DataDigest", "MD5,CRC32C",
                "IFMarkInt", "2048~8192", "TargetAlias", "me", "ErrorRecoveryLevel", "2", "MaxConnections", "8",
                "TaskReporting", "FastAbort,RFC3720", "ImmediateData", "maybe")));
        assertEquals(LoginStatus.SUCCESS, step.status(), step.reason());
        TextParameters k = step.keys();
        assertEquals("NotUnderstood", k.get("X-com.example.Foo").orElseThrow());
        assertEquals("NotUnderstood", k.get("FancyKey").orElseThrow());
        assertEquals("Reject", k.get("MaxBurstLength").orElseThrow());
        assertEquals("Reject", k.get("HeaderDigest").orElseThrow());
        assertEquals("CRC32C", k.get("DataDigest").orElseThrow());
        assertEquals("Reject", k.get("IFMarkInt").orElseThrow());
        assertEquals("Irrelevant", k.get("TargetAlias").orElseThrow());
        assertEquals("0", k.get("ErrorRecoveryLevel").orElseThrow());
        assertEquals("1", k.get("MaxConnections").orElseThrow());
        assertEquals("RFC3720", k.get("TaskReporting").orElseThrow());
        assertEquals("Reject", k.get("ImmediateData").orElseThrow());
        OperationalParameters p = step.parameters();
        assertEquals(262144, p.maxBurstLength(), "a rejected offer keeps the default");
        assertFalse(p.headerDigest());
        assertTrue(p.dataDigest());
    }

    @Test
    void negotiationFunctionsFollowOurSettings() {
        LoginSettings strict = new LoginSettings(65536, 262144, 65536, false, false, 4, 5, 10, 7);
        LoginStep step = negotiator(strict).handle(request(1, 3, true, concat(identity(), "InitialR2T", "No",
                "ImmediateData", "Yes", "MaxOutstandingR2T", "16", "DefaultTime2Wait", "1", "DefaultTime2Retain", "60",
                "FirstBurstLength", "262144", "MaxBurstLength", "1048576")));
        TextParameters k = step.keys();
        assertEquals("No", k.get("InitialR2T").orElseThrow(), "OR of No and No");
        assertEquals("No", k.get("ImmediateData").orElseThrow(), "AND of Yes and No");
        assertEquals("4", k.get("MaxOutstandingR2T").orElseThrow());
        assertEquals("5", k.get("DefaultTime2Wait").orElseThrow());
        assertEquals("10", k.get("DefaultTime2Retain").orElseThrow());
        assertEquals("65536", k.get("FirstBurstLength").orElseThrow());
        assertEquals("262144", k.get("MaxBurstLength").orElseThrow());
        assertEquals("7", k.get("TargetPortalGroupTag").orElseThrow());
        assertEquals("65536", k.get("MaxRecvDataSegmentLength").orElseThrow());
        OperationalParameters p = step.parameters();
        assertFalse(p.initialR2T());
        assertFalse(p.immediateData());
        assertEquals(65536, p.targetMaxRecvDataSegmentLength());
    }

    @Test
    void textContinuedWithTheCBitIsAssembledBeforeNegotiating() {
        byte[] text = TextParameters.of(concat(identity(), "AuthMethod", "None")).encode();
        int cut = 20;
        LoginNegotiator n = negotiator();
        LoginRequest first = new LoginRequest(false, true, 0, 1, 0, 0, ISID, 0, 1, 0,
                Arrays.copyOf(text, cut));
        LoginStep partial = n.handle(first);
        assertEquals(LoginStatus.SUCCESS, partial.status());
        assertFalse(partial.transit());
        assertTrue(partial.keys().isEmpty(), "a C-bit request gets an empty answer");
        LoginRequest rest = new LoginRequest(true, false, 0, 1, 0, 0, ISID, 0, 1, 0,
                Arrays.copyOfRange(text, cut, text.length));
        LoginStep step = n.handle(rest);
        assertEquals(TextParameters.of("AuthMethod", "None", "TargetPortalGroupTag", "1"), step.keys());
        assertTrue(step.transit());
    }

    @Test
    void changingIsidDuringLoginIsRefused() {
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, false, concat(identity(), "AuthMethod", "None")));
        LoginRequest other = new LoginRequest(true, false, 0, 1, 0, 0, ISID + 1, 0, 1, 0, new byte[0]);
        assertStatus(LoginStatus.INITIATOR_ERROR, n.handle(other));
    }

    @Test
    void endlessLoginIsCutOff() {
        targets.chap.put(TARGET + "|" + INITIATOR, ChapCredentials.oneWay("user1", SECRET));
        LoginNegotiator n = negotiator();
        n.handle(request(0, 1, false, concat(identity(), "AuthMethod", "CHAP")));
        LoginStep step = null;
        for (int i = 1; i < LoginNegotiator.MAX_REQUESTS && (step == null || !step.failed()); i++) {
            step = n.handle(request(0, 1, false));
            assertEquals(LoginStatus.SUCCESS, step.status());
        }
        assertStatus(LoginStatus.INITIATOR_ERROR, n.handle(request(0, 1, false)));
    }

    @Test
    void responseToFillsTheLoginResponseHeader() {
        LoginStep step = negotiator().handle(request(1, 3, true, identity()));
        LoginRequest req = request(1, 3, true, identity());
        Pdu pdu = step.responseTo(req).tsih(5).sequence(1, 2, 3).build();
        byte[] b = pdu.bhs();
        assertEquals(0x23, b[0]);
        assertEquals((byte) 0x87, b[1], "T, CSG=1, NSG=3");
        assertEquals(0x10, pdu.itt());
        assertEquals(5, ((b[14] & 0xff) << 8) | (b[15] & 0xff));
        assertEquals(0, b[36]);
        assertEquals(step.keys().encode().length, pdu.dataSegmentLength());
        pdu.release();

        LoginStep failed = negotiator().handle(request(1, 3, true, "InitiatorName", INITIATOR, "TargetName", "iqn.x:no"));
        Pdu reject = failed.responseTo(req).build();
        assertEquals(0x02, reject.bhs()[36]);
        assertEquals(0x03, reject.bhs()[37]);
        assertEquals(0, reject.bhs()[1] & 0x80, "no T bit on a failure");
        assertNull(failed.parameters());
        reject.release();
    }

    @Test
    void credentialsNeverPrintTheirSecrets() {
        String s = ChapCredentials.mutual("u", SECRET, "t", TARGET_SECRET).toString();
        assertFalse(s.contains(SECRET) || s.contains(TARGET_SECRET), s);
    }
}

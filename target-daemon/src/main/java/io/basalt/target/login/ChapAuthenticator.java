package io.basalt.target.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The target side of one CHAP exchange (RFC 1994 with MD5, carried as RFC 7143 §12.1.3 keys):
 *
 * <ol>
 * <li>initiator CHAP_A=&lt;list&gt;; we pick 5 (MD5) and send CHAP_A, CHAP_I and CHAP_C;
 * <li>initiator CHAP_N and CHAP_R, plus CHAP_I and CHAP_C if it wants us to authenticate too;
 * we check the response and, for mutual CHAP, answer with our CHAP_N and CHAP_R.
 * </ol>
 *
 * <p>Secrets are compared in constant time and never put into a failure reason.
 */
final class ChapAuthenticator {
    static final String MD5 = "5";
    /** RFC 7143 §12.1.3: binary CHAP values are at most 1024 bytes. */
    static final int MAX_BINARY = 1024;
    /** Challenge length; RFC 1994 leaves it open, 16 bytes matches the MD5 output. */
    static final int CHALLENGE_LENGTH = 16;
    private static final int MD5_LENGTH = 16;

    enum State { AWAIT_ALGORITHM, AWAIT_RESPONSE, DONE }

    /** The keys to answer with, or the reason authentication failed (status 0x0201). */
    record Step(List<TextParameters.KeyValue> answer, String failure) {
        static Step reply(TextParameters.KeyValue... keys) {
            return new Step(List.of(keys), null);
        }

        static Step fail(String reason) {
            return new Step(List.of(), reason);
        }

        boolean failed() {
            return failure != null;
        }
    }

    private final ChapCredentials credentials;
    private final SecureRandom random;
    private State state = State.AWAIT_ALGORITHM;
    private int identifier;
    private byte[] challenge;

    ChapAuthenticator(ChapCredentials credentials, SecureRandom random) {
        this.credentials = credentials;
        this.random = random;
    }

    State state() {
        return state;
    }

    boolean done() {
        return state == State.DONE;
    }

    /** Handles the CHAP_* keys of one Login Request (all of them at once). */
    Step step(TextParameters keys) {
        return switch (state) {
            case AWAIT_ALGORITHM -> chooseAlgorithm(keys);
            case AWAIT_RESPONSE -> verify(keys);
            case DONE -> Step.fail("CHAP keys after CHAP completed");
        };
    }

    private Step chooseAlgorithm(TextParameters keys) {
        if (keys.contains("CHAP_N") || keys.contains("CHAP_R")) {
            return Step.fail("CHAP_N/CHAP_R before a challenge was sent");
        }
        Optional<String> offered = keys.get("CHAP_A");
        if (offered.isEmpty()) {
            return Step.reply();
        }
        if (!OperationalKeys.list(offered.get()).contains(MD5)) {
            return Step.fail("CHAP_A=" + offered.get() + " does not offer MD5 (5)");
        }
        identifier = random.nextInt(256);
        challenge = new byte[CHALLENGE_LENGTH];
        random.nextBytes(challenge);
        state = State.AWAIT_RESPONSE;
        return Step.reply(kv("CHAP_A", MD5), kv("CHAP_I", Integer.toString(identifier)),
                kv("CHAP_C", TextValues.hex(challenge)));
    }

    private Step verify(TextParameters keys) {
        Optional<String> name = keys.get("CHAP_N");
        Optional<String> response = keys.get("CHAP_R");
        if (name.isEmpty() || response.isEmpty()) {
            return Step.fail("CHAP_N or CHAP_R missing");
        }
        byte[] received;
        try {
            received = TextValues.binary(response.get(), MAX_BINARY);
        } catch (TextFormatException e) {
            return Step.fail("CHAP_R: " + e.getMessage());
        }
        byte[] expected = md5(identifier, credentials.secret(), challenge);
        boolean nameOk = MessageDigest.isEqual(utf8(credentials.user()), utf8(name.get()));
        boolean responseOk = MessageDigest.isEqual(expected, received);
        if (!(nameOk & responseOk)) {
            return Step.fail("CHAP response for name \"" + name.get() + "\" does not verify");
        }
        Step mutual = answerMutual(keys, received);
        if (!mutual.failed()) {
            state = State.DONE;
        }
        return mutual;
    }

    /** Mutual CHAP: the initiator sent CHAP_I and CHAP_C and expects our CHAP_N and CHAP_R. */
    private Step answerMutual(TextParameters keys, byte[] initiatorResponse) {
        Optional<String> id = keys.get("CHAP_I");
        Optional<String> theirChallenge = keys.get("CHAP_C");
        if (id.isEmpty() && theirChallenge.isEmpty()) {
            return Step.reply();
        }
        if (id.isEmpty() || theirChallenge.isEmpty()) {
            return Step.fail("mutual CHAP needs both CHAP_I and CHAP_C");
        }
        if (!credentials.hasMutual()) {
            return Step.fail("initiator asked for mutual CHAP but no target credentials are configured");
        }
        int theirId;
        byte[] theirBytes;
        try {
            theirId = (int) TextValues.number(id.get(), 0, 255);
            theirBytes = TextValues.binary(theirChallenge.get(), MAX_BINARY);
        } catch (TextFormatException e) {
            return Step.fail("mutual CHAP: " + e.getMessage());
        }
        // RFC 7143 §9.2.1: a challenge reflected back at us could make us compute the very
        // response the initiator owes us; refuse it.
        if (MessageDigest.isEqual(theirBytes, challenge)) {
            return Step.fail("initiator's CHAP_C repeats our challenge");
        }
        // RFC 7143 §9.2.1: the same secret must not serve both directions; if our answer to our
        // own challenge equals theirs, it does.
        if (MessageDigest.isEqual(md5(identifier, credentials.mutualSecret(), challenge), initiatorResponse)) {
            return Step.fail("initiator and target CHAP secrets are the same");
        }
        byte[] ours = md5(theirId, credentials.mutualSecret(), theirBytes);
        return Step.reply(kv("CHAP_N", credentials.mutualUser()), kv("CHAP_R", TextValues.hex(ours)));
    }

    /** RFC 1994 §4.1: MD5 over the identifier octet, the secret, then the challenge. */
    static byte[] md5(int identifier, byte[] secret, byte[] challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte) identifier);
            md5.update(secret);
            md5.update(challenge);
            byte[] digest = md5.digest();
            assert digest.length == MD5_LENGTH;
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static TextParameters.KeyValue kv(String key, String value) {
        return new TextParameters.KeyValue(key, value);
    }
}

package io.basalt.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin token, compared in constant time: both sides are hashed first so that neither
 * the position of the first difference nor the length of the configured token shows in the
 * comparison's timing.
 */
public final class BearerToken {
    /** Paths that need no token: a liveness probe that says nothing about the node. */
    public static final String PUBLIC_PATH = "ping";

    private final byte[] expectedHash;

    public BearerToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("admin token must not be empty");
        }
        this.expectedHash = sha256(token);
    }

    /** Whether an Authorization header value carries the token ("Bearer <token>"). */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() < 7
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(expectedHash, sha256(authorizationHeader.substring(7).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken{***}";
    }
}

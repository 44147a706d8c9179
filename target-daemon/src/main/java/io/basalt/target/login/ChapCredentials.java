package io.basalt.target.login;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * CHAP names and secrets for one initiator (RFC 7143 §12.1.3): the name and secret the
 * initiator must prove, and optionally the name and secret we answer with when the initiator
 * asks us to authenticate (mutual CHAP).
 *
 * <p>The secrets can only be read inside this package and never appear in {@link #toString()}:
 * they are not to be logged.
 */
public final class ChapCredentials {
    private final String user;
    private final byte[] secret;
    private final String mutualUser;
    private final byte[] mutualSecret;

    private ChapCredentials(String user, String secret, String mutualUser, String mutualSecret) {
        this.user = Objects.requireNonNull(user);
        this.secret = Objects.requireNonNull(secret).getBytes(StandardCharsets.UTF_8);
        this.mutualUser = mutualUser;
        this.mutualSecret = mutualSecret == null ? null : mutualSecret.getBytes(StandardCharsets.UTF_8);
        if (this.secret.length == 0 || (this.mutualSecret != null && this.mutualSecret.length == 0)) {
            throw new IllegalArgumentException("CHAP secrets must not be empty (RFC 1994 §2.2)");
        }
    }

    /** The initiator proves {@code user}/{@code secret}; we cannot answer mutual CHAP. */
    public static ChapCredentials oneWay(String user, String secret) {
        return new ChapCredentials(user, secret, null, null);
    }

    /** As {@link #oneWay}, and we answer the initiator's challenge as {@code targetUser}. */
    public static ChapCredentials mutual(String user, String secret, String targetUser, String targetSecret) {
        return new ChapCredentials(user, secret, Objects.requireNonNull(targetUser), Objects.requireNonNull(targetSecret));
    }

    public String user() {
        return user;
    }

    public boolean hasMutual() {
        return mutualUser != null;
    }

    String mutualUser() {
        return mutualUser;
    }

    byte[] secret() {
        return secret;
    }

    byte[] mutualSecret() {
        return mutualSecret;
    }

    @Override
    public String toString() {
        return "ChapCredentials{user=" + user + (hasMutual() ? ", mutualUser=" + mutualUser : "") + ", secrets=***}";
    }
}

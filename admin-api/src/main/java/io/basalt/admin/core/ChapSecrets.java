package io.basalt.admin.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * CHAP names and secrets (RFC 7143 §12.1.3): the initiator proves {@code user}/{@code secret};
 * with mutual CHAP the target answers the initiator's challenge as
 * {@code mutualUser}/{@code mutualSecret}.
 *
 * <p>The target needs the secrets themselves (CHAP hashes a challenge with the secret), so they
 * are stored as given, in ZooKeeper. They leave this process only there and towards the
 * {@link ExportListener}; {@link #toString()} masks them and the API never returns them.
 */
public record ChapSecrets(String user, String secret, String mutualUser, String mutualSecret) {
    public ChapSecrets {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("mutual CHAP needs both a user and a secret");
        }
    }

    public static ChapSecrets oneWay(String user, String secret) {
        return new ChapSecrets(user, secret, null, null);
    }

    @JsonIgnore
    public boolean hasMutual() {
        return mutualUser != null;
    }

    /** True when the target's mutual secret is the initiator's secret (RFC 7143 §9.2.1 forbids it). */
    public boolean mutualReusesSecret() {
        return hasMutual() && constantTimeEquals(secret, mutualSecret);
    }

    /** Equality that takes the same time wherever the secrets differ. */
    public boolean sameAs(ChapSecrets o) {
        if (o == null) {
            return false;
        }
        boolean secrets = constantTimeEquals(secret, o.secret) & constantTimeEquals(mutualSecret, o.mutualSecret);
        return secrets && user.equals(o.user) && Objects.equals(mutualUser, o.mutualUser);
    }

    private static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ChapSecrets{user=" + user + (hasMutual() ? ", mutualUser=" + mutualUser : "") + ", secrets=***}";
    }
}

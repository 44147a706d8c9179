package io.basalt.target.login;

import java.util.Optional;

/**
 * What the login negotiator needs to know about the configured targets; the session layer
 * supplies it.
 *
 * <p>Contract: called on the Netty event loop during login, so every method answers from
 * memory, never blocks and never throws. Names are compared exactly as given; iSCSI names are
 * already normalised by their senders (RFC 7143 §4.2.7.1).
 */
public interface TargetLookup {
    /** Whether a target of this name is served here (else login status 0x0203). */
    boolean targetExists(String targetName);

    /** Whether the target's ACL admits the initiator (else login status 0x0202). */
    boolean initiatorAllowed(String targetName, String initiatorName);

    /**
     * CHAP credentials for a Normal session. Present means CHAP is required for this initiator
     * on this target; empty means AuthMethod=None is accepted.
     */
    Optional<ChapCredentials> chapCredentials(String targetName, String initiatorName);

    /** As {@link #chapCredentials}, for Discovery sessions. */
    Optional<ChapCredentials> discoveryChap(String initiatorName);

    /** The TargetAlias to declare, if any (RFC 7143 §13.7). */
    default Optional<String> targetAlias(String targetName) {
        return Optional.empty();
    }
}

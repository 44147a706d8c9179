package io.basalt.admin.api;

import io.basalt.admin.core.Names;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * CHAP credentials as given by an administrator (write-only: never returned).
 *
 * <p>Secrets are 12..255 characters: RFC 7143 §9.2.1 wants at least 96 bits when they are not
 * random, and common initiators (Windows) refuse fewer than 12 characters. The mutual secret
 * must differ from the initiator's (§9.2.1: the same secret must not serve both directions).
 *
 * @param user         the name the initiator authenticates as
 * @param secret       its secret
 * @param mutualUser   for mutual CHAP, the name the target answers as
 * @param mutualSecret for mutual CHAP, the target's secret
 */
public record ChapRequest(
        @NotNull @Pattern(regexp = Names.CHAP_USER, message = Names.CHAP_USER_MESSAGE) String user,
        @NotNull @Size(min = 12, max = 255) String secret,
        @Pattern(regexp = Names.CHAP_USER, message = Names.CHAP_USER_MESSAGE) String mutualUser,
        @Size(min = 12, max = 255) String mutualSecret) {

    @Override
    public String toString() {
        return "ChapRequest{user=" + user + ", mutualUser=" + mutualUser + ", secrets=***}";
    }
}

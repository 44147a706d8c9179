package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * CHAP settings as shown: names, and whether secrets are set — never the secrets.
 *
 * @param user            the initiator's CHAP name
 * @param secretSet       always true when CHAP is configured
 * @param mutualUser      the target's name for mutual CHAP, or absent
 * @param mutualSecretSet whether mutual CHAP is configured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChapView(String user, boolean secretSet, String mutualUser, boolean mutualSecretSet) {
}

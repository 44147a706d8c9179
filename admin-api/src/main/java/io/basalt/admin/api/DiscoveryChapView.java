package io.basalt.admin.api;

/**
 * Discovery CHAP: whether SendTargets sessions must authenticate, and as whom.
 *
 * @param enabled true when discovery needs CHAP
 * @param chap    the names (never the secrets), or null when disabled
 */
public record DiscoveryChapView(boolean enabled, ChapView chap) {
}

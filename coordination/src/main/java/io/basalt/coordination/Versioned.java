package io.basalt.coordination;

/**
 * A record read from ZooKeeper with the znode version it had, the token a later
 * compare-and-set update passes back.
 *
 * @param value   the decoded record
 * @param version the znode's data version
 */
public record Versioned<T>(T value, int version) {
}

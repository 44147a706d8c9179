package io.basalt.admin.core;

/**
 * Outcome of an idempotent create.
 *
 * @param value   the object as it now exists
 * @param created true if this call created it, false if an identical one was already there
 */
public record Created<T>(T value, boolean created) {
}

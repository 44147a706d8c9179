package io.basalt.engine;

import java.util.regex.Pattern;

/** Validation of user-chosen names (volumes, snapshots). */
final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private Names() {
    }

    static void check(String name, String what) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT,
                    what + " must be 1..128 characters of [A-Za-z0-9._:-], got " + (name == null ? "null" : "'" + name + "'"));
        }
    }
}

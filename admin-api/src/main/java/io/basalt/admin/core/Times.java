package io.basalt.admin.core;

import java.time.Instant;

/** Times as the API shows them: ISO-8601 in UTC. */
public final class Times {
    private Times() {
    }

    public static String iso(long millis) {
        return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}

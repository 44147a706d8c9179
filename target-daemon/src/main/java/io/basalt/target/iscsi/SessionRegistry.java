package io.basalt.target.iscsi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live sessions of a portal, for TSIH allocation and session reinstatement (RFC 7143 §6.3.5):
 * a new leading login with the same initiator name, ISID and target replaces the old session,
 * whose connection is closed and whose tasks end. A session whose connection dropped stays
 * here until its last running command has ended, and until the session it reinstated has.
 */
final class SessionRegistry {
    record Key(String initiator, long isid, String target) {
    }

    private final Map<Key, IscsiConnection> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger nextTsih = new AtomicInteger(1);

    /** Registers {@code conn} as the session for {@code key}, returning the one it replaces. */
    IscsiConnection register(Key key, IscsiConnection conn) {
        return byKey.put(key, conn);
    }

    /** Removes {@code conn} as the session for {@code key}; false when another has replaced it. */
    boolean unregister(Key key, IscsiConnection conn) {
        return byKey.remove(key, conn);
    }

    /**
     * The sessions registered for {@code target} other than {@code self}: live ones, dropped
     * ones still ending, and reinstating logins not answered yet.
     */
    List<IscsiConnection> others(String target, IscsiConnection self) {
        List<IscsiConnection> out = new ArrayList<>();
        byKey.forEach((k, c) -> {
            if (c != self && target.equals(k.target())) {
                out.add(c);
            }
        });
        return out;
    }

    /** A new non-zero 16-bit TSIH. */
    int newTsih() {
        while (true) {
            int t = nextTsih.getAndIncrement() & 0xffff;
            if (t != 0) {
                return t;
            }
        }
    }

    int size() {
        return byKey.size();
    }
}

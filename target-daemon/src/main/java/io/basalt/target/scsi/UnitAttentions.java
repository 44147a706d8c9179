package io.basalt.target.scsi;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pending unit attention conditions of one logical unit, per I_T nexus (SAM-5 §5.14). A nexus
 * is "known" from its first command on; that first command finds POWER ON, RESET, OR BUS
 * DEVICE RESET OCCURRED pending. Conditions raised for "all nexuses" reach known ones only: an
 * unknown nexus will see the power-on condition, which supersedes them. Thread-safe.
 */
final class UnitAttentions {
    private final ConcurrentHashMap<Nexus, Deque<Asc>> pending = new ConcurrentHashMap<>();

    /** Registers a nexus on its first command, with the power-on condition pending. */
    void admit(Nexus nexus) {
        pending.computeIfAbsent(nexus, n -> {
            Deque<Asc> q = new ArrayDeque<>();
            q.add(Asc.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
            return q;
        });
    }

    /** Takes the oldest pending condition of {@code nexus}, or null. */
    Sense poll(Nexus nexus) {
        Deque<Asc> q = pending.get(nexus);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            Asc asc = q.poll();
            return asc == null ? null : Sense.unitAttention(asc);
        }
    }

    boolean hasPending(Nexus nexus) {
        Deque<Asc> q = pending.get(nexus);
        if (q == null) {
            return false;
        }
        synchronized (q) {
            return !q.isEmpty();
        }
    }

    void raise(Nexus nexus, Asc asc) {
        Deque<Asc> q = pending.get(nexus);
        if (q != null) {
            add(q, asc);
        }
    }

    /** Raises {@code asc} for every known nexus but {@code except} (which may be null). */
    void raiseAllExcept(Nexus except, Asc asc) {
        pending.forEach((n, q) -> {
            if (!n.equals(except)) {
                add(q, asc);
            }
        });
    }

    /** Clears one pending condition (REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED). */
    void clear(Nexus nexus, Asc asc) {
        Deque<Asc> q = pending.get(nexus);
        if (q != null) {
            synchronized (q) {
                q.remove(asc);
            }
        }
    }

    /** The nexus ended: its next incarnation starts afresh. */
    void forget(Nexus nexus) {
        pending.remove(nexus);
    }

    private static void add(Deque<Asc> q, Asc asc) {
        synchronized (q) {
            if (asc.isReset()) {
                // A reset condition supersedes whatever was pending (SAM-5 §5.14).
                q.clear();
            }
            if (!q.contains(asc)) {
                q.add(asc);
            }
        }
    }
}

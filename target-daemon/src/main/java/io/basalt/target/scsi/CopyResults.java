package io.basalt.target.scsi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The copy manager's state for EXTENDED COPY (LID1) on one LU: the copies in progress, by I_T
 * nexus and LIST IDENTIFIER, and the results held for RECEIVE COPY RESULTS (SPC-4 §6.4.3.2, LIST
 * ID USAGE 00b), at most {@link #HELD_PER_NEXUS} per nexus (the oldest is dropped first) and
 * forgotten when the nexus ends, also for a copy still running then. Thread-safe.
 */
final class CopyResults {
    static final int HELD_PER_NEXUS = 32;

    /** COPY MANAGER STATUS values (SPC-4 §6.18.3). */
    static final int IN_PROGRESS = 0x00;
    static final int COMPLETED = 0x01;
    static final int FAILED = 0x02;

    /** A copy's progress; the counters advance while it runs. */
    static final class Progress {
        final Nexus nexus;
        final int listId;
        final boolean hold;
        final AtomicInteger segments = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        volatile int status = IN_PROGRESS;
        /** The nexus ended while the copy ran: its results are not held. */
        boolean discarded;

        Progress(Nexus nexus, int listId, boolean hold) {
            this.nexus = nexus;
            this.listId = listId;
            this.hold = hold;
        }
    }

    private record Key(Nexus nexus, int listId) {
    }

    private final Map<Key, Progress> running = new HashMap<>();
    private final Map<Nexus, LinkedHashMap<Integer, Progress>> held = new HashMap<>();
    private final java.util.Set<Progress> active = new java.util.HashSet<>();

    /**
     * Registers a copy. Null if a copy with the same list identifier is already running on the
     * nexus; {@code tracked} false (LIST ID USAGE 11b) never collides.
     */
    synchronized Progress begin(Nexus nexus, int listId, boolean tracked, boolean hold) {
        Progress p = new Progress(nexus, listId, hold);
        if (tracked && running.putIfAbsent(new Key(nexus, listId), p) != null) {
            return null;
        }
        active.add(p);
        return p;
    }

    /** The copy ended with {@code status}; its results are held if it asked for that. */
    synchronized void end(Progress p, int status) {
        p.status = status;
        active.remove(p);
        running.remove(new Key(p.nexus, p.listId), p);
        if (p.hold && !p.discarded) {
            LinkedHashMap<Integer, Progress> mine = held.computeIfAbsent(p.nexus, n -> new LinkedHashMap<>());
            mine.remove(p.listId);
            mine.put(p.listId, p);
            if (mine.size() > HELD_PER_NEXUS) {
                mine.remove(mine.keySet().iterator().next());
            }
        }
    }

    /** The running or held copy with that list identifier on the nexus, or null. */
    synchronized Progress status(Nexus nexus, int listId) {
        Progress p = running.get(new Key(nexus, listId));
        if (p != null) {
            return p;
        }
        Map<Integer, Progress> mine = held.get(nexus);
        return mine == null ? null : mine.get(listId);
    }

    /** The nexus ended: its held results go, and those of its running copies will not be held. */
    synchronized void forget(Nexus nexus) {
        held.remove(nexus);
        for (Progress p : active) {
            if (p.nexus.equals(nexus)) {
                p.discarded = true;
            }
        }
    }
}

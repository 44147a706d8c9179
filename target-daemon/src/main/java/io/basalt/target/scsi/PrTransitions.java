package io.basalt.target.scsi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The persistent reservation service actions as pure functions from the current state to an
 * outcome, a next state and the unit attentions to raise (SPC-5 §5.14.7-§5.14.11). A nexus
 * that is not registered, or names a key other than its own, gets RESERVATION CONFLICT.
 */
final class PrTransitions {
    /**
     * @param result     the command's status
     * @param next       the state to store and install; the current instance when unchanged
     * @param attentions unit attentions to raise, per nexus
     */
    record Transition(ScsiResult result, PrState next, Map<Nexus, Asc> attentions) {
    }

    private PrTransitions() {
    }

    /** REGISTER and REGISTER AND IGNORE EXISTING KEY (SPC-5 §5.14.7). */
    static Transition register(PrState s, Nexus n, long key, long newKey, boolean aptpl, boolean ignoreExisting) {
        Long existing = s.keyOf(n);
        if (existing == null) {
            if (!ignoreExisting && key != 0) {
                return conflict(s);
            }
            return newKey == 0 ? good(s) : good(s.withRegistration(n, newKey, aptpl).nextGeneration());
        }
        if (!ignoreExisting && key != existing) {
            return conflict(s);
        }
        if (newKey != 0) {
            return good(s.withRegistration(n, newKey, aptpl).nextGeneration());
        }
        PrState next = s.withoutRegistration(n).nextGeneration();
        Map<Nexus, Asc> uas = new LinkedHashMap<>();
        if (s.reservation() != null && next.reservation() == null && s.reservation().type().registrantsHaveAccess()) {
            // Unregistering released a Registrants Only / All Registrants reservation (§5.14.11.2.3).
            next.registrations().keySet().forEach(other -> uas.put(other, Asc.RESERVATIONS_RELEASED));
        }
        return new Transition(ScsiResult.good(), next, uas);
    }

    /** RESERVE (SPC-5 §5.14.9): idempotent for a holder asking for the same type. */
    static Transition reserve(PrState s, Nexus n, long key, int scope, PrType type) {
        if (!ownKey(s, n, key)) {
            return conflict(s);
        }
        Transition bad = checkScopeAndType(s, scope, type);
        if (bad != null) {
            return bad;
        }
        PrState.Reservation r = s.reservation();
        if (r == null) {
            return good(s.withReservation(new PrState.Reservation(type.allRegistrants() ? null : n, type)));
        }
        return s.holds(n) && r.type() == type ? good(s) : conflict(s);
    }

    /** RELEASE (SPC-5 §5.14.11.2): a no-op for non-holders; the type must match. */
    static Transition release(PrState s, Nexus n, long key, int scope, PrType type) {
        if (!ownKey(s, n, key)) {
            return conflict(s);
        }
        PrState.Reservation r = s.reservation();
        if (r == null || !s.holds(n)) {
            return good(s);
        }
        if (scope != 0 || r.type() != type) {
            return fail(s, Sense.illegalRequest(Asc.INVALID_RELEASE_OF_PERSISTENT_RESERVATION));
        }
        Map<Nexus, Asc> uas = new LinkedHashMap<>();
        if (r.type().registrantsHaveAccess()) {
            s.registrations().keySet().stream().filter(o -> !o.equals(n))
                    .forEach(o -> uas.put(o, Asc.RESERVATIONS_RELEASED));
        }
        return new Transition(ScsiResult.good(), s.withReservation(null), uas);
    }

    /** CLEAR (SPC-5 §5.14.11.3): drops every registration and the reservation. */
    static Transition clear(PrState s, Nexus n, long key) {
        if (!ownKey(s, n, key)) {
            return conflict(s);
        }
        Map<Nexus, Asc> uas = new LinkedHashMap<>();
        s.registrations().keySet().stream().filter(o -> !o.equals(n))
                .forEach(o -> uas.put(o, Asc.RESERVATIONS_PREEMPTED));
        return new Transition(ScsiResult.good(), new PrState(s.generation() + 1, Map.of(), null, s.aptpl()), uas);
    }

    /**
     * PREEMPT and PREEMPT AND ABORT (SPC-5 §5.14.11.4). Without a reservation, or when the key
     * is not the holder's, registrations with that key are removed. Preempting the holder
     * (or, for All Registrants, key zero) also moves the reservation to this nexus with the
     * given type. Aborting tasks is left to the transport's task management.
     */
    static Transition preempt(PrState s, Nexus n, long key, long victimKey, int scope, PrType type) {
        if (!ownKey(s, n, key)) {
            return conflict(s);
        }
        PrState.Reservation r = s.reservation();
        boolean takesReservation = r != null
                && (r.type().allRegistrants() ? victimKey == 0 : Long.valueOf(victimKey).equals(s.keyOf(r.holder())));
        if (!takesReservation) {
            if (victimKey == 0) {
                return fail(s, Sense.invalidFieldInParameterList(8, 7));
            }
            return removeKey(s, n, victimKey, null);
        }
        Transition bad = checkScopeAndType(s, scope, type);
        if (bad != null) {
            return bad;
        }
        PrState.Reservation taken = new PrState.Reservation(type.allRegistrants() ? null : n, type);
        return r.type().allRegistrants() ? removeAllBut(s, n, taken) : removeKey(s, n, victimKey, taken);
    }

    /** Removes registrations holding {@code victimKey} (not this nexus'); none matching is a conflict. */
    private static Transition removeKey(PrState s, Nexus n, long victimKey, PrState.Reservation taken) {
        PrState next = s;
        Map<Nexus, Asc> uas = new LinkedHashMap<>();
        for (Map.Entry<Nexus, Long> e : s.registrations().entrySet()) {
            if (e.getValue() == victimKey && !e.getKey().equals(n)) {
                next = next.withoutRegistration(e.getKey());
                uas.put(e.getKey(), Asc.REGISTRATIONS_PREEMPTED);
            }
        }
        if (uas.isEmpty() && taken == null) {
            return conflict(s);
        }
        if (taken != null) {
            next = next.withReservation(taken);
        }
        return new Transition(ScsiResult.good(), next.nextGeneration(), uas);
    }

    private static Transition removeAllBut(PrState s, Nexus n, PrState.Reservation taken) {
        Map<Nexus, Asc> uas = new LinkedHashMap<>();
        s.registrations().keySet().stream().filter(o -> !o.equals(n))
                .forEach(o -> uas.put(o, Asc.REGISTRATIONS_PREEMPTED));
        PrState next = new PrState(s.generation() + 1, Map.of(n, s.keyOf(n)), taken, s.aptpl());
        return new Transition(ScsiResult.good(), next, uas);
    }

    private static boolean ownKey(PrState s, Nexus n, long key) {
        Long existing = s.keyOf(n);
        return existing != null && existing == key;
    }

    /** Only LU_SCOPE (0h) exists; TYPE must be one of table 182's. */
    private static Transition checkScopeAndType(PrState s, int scope, PrType type) {
        if (scope != 0) {
            return fail(s, Sense.invalidFieldInCdb(2, 7));
        }
        return type == null ? fail(s, Sense.invalidFieldInCdb(2, 3)) : null;
    }

    private static Transition good(PrState next) {
        return new Transition(ScsiResult.good(), next, Map.of());
    }

    private static Transition conflict(PrState s) {
        return new Transition(ReservationCheck.CONFLICT, s, Map.of());
    }

    private static Transition fail(PrState s, Sense sense) {
        return new Transition(sense.result(), s, Map.of());
    }
}

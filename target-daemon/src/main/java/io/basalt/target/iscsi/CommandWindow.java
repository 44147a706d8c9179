package io.basalt.target.iscsi;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Command numbering of one session (RFC 7143 §4.2.2.1 and §3.2.2.1): delivers non-immediate
 * commands in CmdSN order, holds early ones until the gap fills, and drops those outside the
 * window [ExpCmdSN, MaxCmdSN]. MaxCmdSN leaves room for {@code size} commands that are received
 * but not yet completed, so a fast initiator cannot queue more than that.
 *
 * <p>All arithmetic is serial-number arithmetic (RFC 1982, 32 bits). Not thread-safe: owned by
 * the connection's event loop.
 *
 * @param <T> what is queued (a PDU)
 */
final class CommandWindow<T> {
    private final int size;
    private int expCmdSN;
    private int outstanding;
    private final TreeMap<Integer, T> early = new TreeMap<>((a, b) -> Integer.compare(a - b, 0));

    CommandWindow(int size, int initialCmdSN) {
        this.size = size;
        this.expCmdSN = initialCmdSN;
    }

    int expCmdSN() {
        return expCmdSN;
    }

    /** The highest CmdSN the initiator may send now; ExpCmdSN-1 closes the window. */
    int maxCmdSN() {
        return expCmdSN + Math.max(0, size - outstanding - early.size()) - 1;
    }

    /** Outcome of offering a command. */
    enum Verdict { DELIVER, HELD, DROPPED }

    /**
     * Offers a non-immediate command. Returns the commands now deliverable in order (the
     * offered one and any held ones it unblocks), or an empty list if it was held or dropped.
     */
    List<T> offer(int cmdSN, T item, Verdict[] verdict) {
        int rel = cmdSN - expCmdSN;
        if (rel < 0 || cmdSN - maxCmdSN() > 0) {
            verdict[0] = Verdict.DROPPED;
            return List.of();
        }
        if (rel > 0) {
            if (early.containsKey(cmdSN)) {
                verdict[0] = Verdict.DROPPED;
                return List.of();
            }
            early.put(cmdSN, item);
            verdict[0] = Verdict.HELD;
            return List.of();
        }
        verdict[0] = Verdict.DELIVER;
        List<T> out = new ArrayList<>();
        out.add(item);
        expCmdSN++;
        outstanding++;
        while (!early.isEmpty() && early.firstKey() == expCmdSN) {
            out.add(early.pollFirstEntry().getValue());
            expCmdSN++;
            outstanding++;
        }
        return out;
    }

    /** An immediate command counts as outstanding but does not advance ExpCmdSN. */
    void immediateStarted() {
        outstanding++;
    }

    /** A command (immediate or not) finished: its slot opens again. */
    void completed() {
        if (outstanding > 0) {
            outstanding--;
        }
    }

    /** Commands held for a gap that never filled (connection closing). */
    List<T> drainHeld() {
        List<T> out = new ArrayList<>(early.values());
        early.clear();
        return out;
    }
}

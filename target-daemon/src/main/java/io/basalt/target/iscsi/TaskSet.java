package io.basalt.target.iscsi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The task sets of one I_T nexus, one per logical unit (the control mode page says TST=001b),
 * and when each of their commands may start, by task attribute (SAM-5 §8.6):
 * <ul>
 *   <li>HEAD OF QUEUE starts at once;</li>
 *   <li>ORDERED starts once every older command on its LU and every HEAD OF QUEUE command
 *       there has completed;</li>
 *   <li>SIMPLE starts once every older ORDERED command on its LU and every HEAD OF QUEUE
 *       command there has completed (QUEUE ALGORITHM MODIFIER 1: simple commands may be
 *       reordered among themselves).</li>
 * </ul>
 * A command enters its task set when the connection takes it in CmdSN order, and leaves when it
 * is answered or aborted; collecting Data-Out does not wait, only starting does. While no
 * ORDERED or HEAD OF QUEUE command is incomplete, a simple command starts with one counter
 * test. Owned by the connection's event loop.
 */
final class TaskSet {
    /** Incomplete commands of every LU, oldest first. */
    private final LinkedHashSet<Task> incomplete = new LinkedHashSet<>();
    /** Commands with all their data that may not start yet, oldest first. */
    private final List<Task> waiting = new ArrayList<>();
    /** Incomplete commands that are ORDERED or HEAD OF QUEUE. */
    private int special;
    private boolean releasing;

    void enter(Task task) {
        incomplete.add(task);
        if (task.attribute.orders()) {
            special++;
        }
    }

    /**
     * Starts {@code task} through {@code start} now if its attribute allows, or when the
     * commands it waits for have left.
     */
    void startWhenAllowed(Task task, Consumer<Task> start) {
        if (mayStart(task)) {
            start.accept(task);
        } else {
            waiting.add(task);
        }
    }

    /**
     * Removes {@code task} (answered, aborted or failed), then starts, through {@code start},
     * every waiting command that may now start, oldest first. Re-entrant: a command that
     * completes inside {@code start} leaves through here too.
     */
    void leave(Task task, Consumer<Task> start) {
        if (!incomplete.remove(task)) {
            return;
        }
        if (task.attribute.orders()) {
            special--;
        }
        if (!waiting.isEmpty()) {
            waiting.remove(task);
            release(start);
        }
    }

    /** Forgets everything, when the connection has closed: nothing more starts. */
    void clear() {
        incomplete.clear();
        waiting.clear();
        special = 0;
    }

    private void release(Consumer<Task> start) {
        if (releasing) {
            return; // the outer call rescans once this start returns
        }
        releasing = true;
        try {
            boolean started = true;
            while (started) {
                started = false;
                for (int i = 0; i < waiting.size(); i++) {
                    Task t = waiting.get(i);
                    if (mayStart(t)) {
                        waiting.remove(i);
                        start.accept(t);
                        started = true;
                        break; // starting may have completed commands: look again from the oldest
                    }
                }
            }
        } finally {
            releasing = false;
        }
    }

    private boolean mayStart(Task task) {
        Task.Attribute a = task.attribute;
        if (a == Task.Attribute.HEAD_OF_QUEUE || a == Task.Attribute.ACA) {
            return true; // an ACA command is refused at once: there is never an ACA condition
        }
        if (special == 0) {
            return true; // only simple commands are incomplete
        }
        boolean older = true;
        for (Task t : incomplete) {
            if (t == task) {
                older = false;
                continue;
            }
            if (t.lun != task.lun) {
                continue;
            }
            if (t.attribute == Task.Attribute.HEAD_OF_QUEUE) {
                return false; // head-of-queue commands go first, older or newer
            }
            if (older && (a == Task.Attribute.ORDERED || t.attribute == Task.Attribute.ORDERED)) {
                return false;
            }
        }
        return true;
    }
}

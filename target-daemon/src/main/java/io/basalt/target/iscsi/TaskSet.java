package io.basalt.target.iscsi;

import java.util.ArrayList;
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
 * A command enters when the connection takes it (in CmdSN order; an immediate command on
 * arrival) and leaves when it is answered or aborted; collecting Data-Out does not wait, only
 * starting does. The incomplete commands form a list threaded through the tasks themselves,
 * so entering and leaving allocate nothing. While no ORDERED or HEAD OF QUEUE command is
 * incomplete on any LU of the session, a simple command starts after one counter test;
 * otherwise the list is walked. Owned by the connection's event loop.
 */
final class TaskSet {
    /** Oldest and newest incomplete command, of every LU. */
    private Task head;
    private Task tail;
    /** Commands with all their data that may not start yet, in the order their data completed. */
    private final List<Task> waiting = new ArrayList<>();
    /** Incomplete commands that are ORDERED or HEAD OF QUEUE. */
    private int special;
    private boolean releasing;

    void enter(Task task) {
        task.older = tail;
        task.newer = null;
        if (tail == null) {
            head = task;
        } else {
            tail.newer = task;
        }
        tail = task;
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
     * every waiting command that may now start. Re-entrant: a command that completes inside
     * {@code start} leaves through here too. Does nothing for a task not in the set.
     */
    void leave(Task task, Consumer<Task> start) {
        if (task.older == null && head != task) {
            return; // not in the set (it has an older neighbour, or is the oldest)
        }
        unlink(task);
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
        for (Task t = head; t != null; ) {
            Task next = t.newer;
            t.older = null;
            t.newer = null;
            t = next;
        }
        head = null;
        tail = null;
        waiting.clear();
        special = 0;
    }

    private void unlink(Task task) {
        Task o = task.older;
        Task n = task.newer;
        if (o == null) {
            head = n;
        } else {
            o.newer = n;
        }
        if (n == null) {
            tail = o;
        } else {
            n.older = o;
        }
        task.older = null;
        task.newer = null;
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
                        break; // starting may have completed commands: look again from the start
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
        for (Task t = head; t != null; t = t.newer) {
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

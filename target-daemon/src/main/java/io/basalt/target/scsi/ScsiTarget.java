package io.basalt.target.scsi;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The logical units of one iSCSI target, by LUN, and the target-level commands: REPORT LUNS,
 * commands to missing LUNs, resets and nexus loss. The transport's port adapter delegates here.
 * Thread-safe; LUNs may be added and removed while commands run.
 */
public final class ScsiTarget {
    private final ScsiDispatcher dispatcher;
    private final ConcurrentSkipListMap<Long, Lun> luns = new ConcurrentSkipListMap<>();

    public ScsiTarget(ScsiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Adds (or replaces) a LUN; the other LUs report REPORTED LUNS DATA HAS CHANGED. */
    public void addLun(long number, Lun lun) {
        Lun replaced = luns.put(number, lun);
        if (replaced != null && replaced != lun) {
            replaced.detach(this);
        }
        lun.attach(this);
        luns.forEach((n, other) -> {
            if (n != number) {
                other.reportedLunsChanged();
            }
        });
    }

    /** Removes a LUN (null if absent); the remaining LUs report REPORTED LUNS DATA HAS CHANGED. */
    public Lun removeLun(long number) {
        Lun removed = luns.remove(number);
        if (removed != null) {
            removed.detach(this);
            luns.values().forEach(Lun::reportedLunsChanged);
        }
        return removed;
    }

    public Lun lun(long number) {
        return luns.get(number);
    }

    public boolean lunExists(long number) {
        return luns.containsKey(number);
    }

    /** Executes a command for any LUN; see {@link ScsiDispatcher#execute}. */
    public CompletableFuture<ScsiResult> execute(ScsiTask task) {
        if ((task.cdb()[0] & 0xff) == TargetCommands.REPORT_LUNS) {
            if (task.dataOut() != null) {
                task.dataOut().release();
            }
            // SPC-5 §6.33: REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED on every LU.
            luns.values().forEach(l -> l.unitAttentions().clear(task.nexus(), Asc.REPORTED_LUNS_DATA_HAS_CHANGED));
            return CompletableFuture.completedFuture(TargetCommands.reportLuns(task.cdb(), luns.keySet()));
        }
        Lun lun = luns.get(task.lun());
        if (lun == null) {
            return CompletableFuture.completedFuture(TargetCommands.missingLun(task));
        }
        return dispatcher.execute(lun, task);
    }

    /** See {@link ScsiDispatcher#tryStart}; REPORT LUNS and missing LUNs take the worker path. */
    public CompletableFuture<ScsiResult> tryStart(ScsiTask task) {
        if ((task.cdb()[0] & 0xff) == TargetCommands.REPORT_LUNS) {
            return null;
        }
        Lun lun = luns.get(task.lun());
        return lun == null ? null : dispatcher.tryStart(lun, task);
    }

    /** Data-Out the CDB needs on that LUN (none for a missing LUN: it is refused at once). */
    public long dataOutLength(long number, byte[] cdb) {
        Lun lun = luns.get(number);
        return lun == null ? 0 : dispatcher.dataOutLength(cdb, lun.blockSize());
    }

    public void resetLun(long number, Nexus issuer) {
        Lun lun = luns.get(number);
        if (lun != null) {
            lun.reset(issuer);
        }
    }

    /** TARGET WARM/COLD RESET: every LU is reset. */
    public void resetTarget(Nexus issuer) {
        luns.values().forEach(l -> l.reset(issuer));
    }

    public void nexusGone(Nexus nexus) {
        luns.values().forEach(l -> l.nexusLost(nexus));
    }

    /** A snapshot of the LUNs, in LUN order. */
    public SortedMap<Long, Lun> luns() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(luns));
    }
}

package io.basalt.target.iscsi;

import io.basalt.target.scsi.Nexus;
import io.basalt.target.scsi.ScsiResult;
import io.basalt.target.scsi.ScsiTask;
import java.util.concurrent.CompletableFuture;

/**
 * What the iSCSI transport needs from one target's SCSI side: its LUNs and command execution.
 * The transport never interprets a CDB beyond asking how much Data-Out it needs.
 */
public interface ScsiPort {
    /**
     * Executes a command (also REPORT LUNS and commands to missing LUNs). Called on a worker
     * thread; may block. The returned future completes on any thread.
     */
    CompletableFuture<ScsiResult> execute(ScsiTask task);

    /**
     * Starts a command at once if it can run without waiting: a read served from memory (the
     * future is done on return) or a small write appended at once (the future completes,
     * on any thread, when the write is done, durable if asked). Else returns null having done
     * nothing. Never blocks: called on the event loop.
     */
    default CompletableFuture<ScsiResult> tryStart(ScsiTask task) {
        return null;
    }

    /** Bytes of Data-Out the command consumes (0 for commands that transfer none). */
    long dataOutLength(long lun, byte[] cdb);

    boolean lunExists(long lun);

    /** Name of the volume behind a LUN (metrics), or null. */
    default String volumeName(long lun) {
        return null;
    }

    /** LUN RESET from {@code nexus}: clears reservations, unit attention to other nexuses. */
    void resetLun(long lun, Nexus nexus);

    /** TARGET WARM/COLD RESET from {@code nexus}. */
    void resetTarget(Nexus nexus);

    /** A session ended: forget its unit attentions (reservations persist per SPC). */
    default void nexusGone(Nexus nexus) {
    }
}

package io.basalt.target.iscsi;

import io.basalt.target.scsi.BlockDevice;
import io.basalt.target.scsi.Lun;
import io.basalt.target.scsi.Nexus;
import io.basalt.target.scsi.ScsiDispatcher;
import io.basalt.target.scsi.ScsiResult;
import io.basalt.target.scsi.ScsiTarget;
import io.basalt.target.scsi.ScsiTask;
import java.util.concurrent.CompletableFuture;

/** One exported iSCSI target: a name and its logical units, served by the SCSI layer. */
public final class IscsiTarget implements ScsiPort {
    /** The opcode table is immutable and shared by every target. */
    private static final ScsiDispatcher DISPATCHER = new ScsiDispatcher();
    private final String name;
    private final ScsiTarget scsi = new ScsiTarget(DISPATCHER);

    public IscsiTarget(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Adds a LUN; sessions see REPORTED LUNS DATA HAS CHANGED. */
    public void addLun(long number, BlockDevice device) {
        scsi.addLun(number, new Lun(device));
    }

    public void removeLun(long number) {
        scsi.removeLun(number);
    }

    public Lun lun(long number) {
        return scsi.lun(number);
    }

    @Override
    public CompletableFuture<ScsiResult> execute(ScsiTask task) {
        return scsi.execute(task);
    }

    @Override
    public CompletableFuture<ScsiResult> tryStart(ScsiTask task) {
        return scsi.tryStart(task);
    }

    @Override
    public long dataOutLength(long lun, byte[] cdb) {
        return scsi.dataOutLength(lun, cdb);
    }

    @Override
    public boolean lunExists(long lun) {
        return scsi.lunExists(lun);
    }

    @Override
    public String volumeName(long lun) {
        Lun l = scsi.lun(lun);
        return l == null ? null : l.device().name();
    }

    @Override
    public void resetLun(long lun, Nexus nexus) {
        scsi.resetLun(lun, nexus);
    }

    @Override
    public void resetTarget(Nexus nexus) {
        scsi.resetTarget(nexus);
    }

    @Override
    public void nexusGone(Nexus nexus) {
        scsi.nexusGone(nexus);
    }
}

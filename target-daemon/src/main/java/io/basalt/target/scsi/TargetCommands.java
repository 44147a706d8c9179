package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers that belong to the target rather than to one logical unit: REPORT LUNS (SPC-5 §6.33)
 * and commands addressed to a LUN that does not exist (SPC-5 §6.7.2, SAM-5 §5.10).
 */
public final class TargetCommands {
    public static final int REPORT_LUNS = 0xa0;
    private static final int INQUIRY = 0x12;
    private static final int REQUEST_SENSE = 0x03;

    private TargetCommands() {
    }

    /**
     * REPORT LUNS over {@code luns}: SELECT REPORT 00h and 02h list them all, 01h (well-known
     * LUs only) lists none. LUNs below 256 use peripheral device addressing, others flat space
     * addressing (SAM-5 §4.7), as the transport decodes them.
     */
    public static ScsiResult reportLuns(byte[] cdb, Collection<Long> luns) {
        int select = Cdb.u8(cdb, 2);
        if (select > 2) {
            return Sense.invalidFieldInCdb(2, 7).result();
        }
        List<Long> listed = select == 1 ? List.of() : List.copyOf(luns);
        byte[] b = new byte[8 + 8 * listed.size()];
        Cdb.put32(b, 0, 8L * listed.size());
        int at = 8;
        for (long lun : listed) {
            if (lun < 256) {
                b[at + 1] = (byte) lun;
            } else {
                Cdb.put16(b, at, (int) (0x4000 | (lun & 0x3fff)));
            }
            at += 8;
        }
        return ParameterData.respond(b, Cdb.u32(cdb, 6));
    }

    /**
     * A command to a LUN with no logical unit: INQUIRY returns peripheral qualifier 011b /
     * device type 1Fh, REQUEST SENSE returns LOGICAL UNIT NOT SUPPORTED as its parameter data,
     * anything else is CHECK CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED. Releases
     * the task's Data-Out.
     */
    public static ScsiResult missingLun(ScsiTask task) {
        ByteBuf dataOut = task.dataOut();
        if (dataOut != null && dataOut.refCnt() > 0) {
            dataOut.release();
        }
        byte[] cdb = task.cdb();
        Sense unsupported = Sense.illegalRequest(Asc.LOGICAL_UNIT_NOT_SUPPORTED);
        switch (Cdb.u8(cdb, 0)) {
            case INQUIRY:
                if (cdb.length < 5) {
                    return unsupported.result();
                }
                if ((cdb[1] & 0x01) == 0) {
                    return ParameterData.respond(Inquiry.standard(Inquiry.NOT_CONNECTED), Cdb.u16(cdb, 3));
                }
                byte[] vpd = {(byte) Inquiry.NOT_CONNECTED, cdb[2], 0, 0};
                return ParameterData.respond(vpd, Cdb.u16(cdb, 3));
            case REQUEST_SENSE:
                return ParameterData.respond(unsupported.toFixed(), cdb.length < 5 ? 0 : Cdb.u8(cdb, 4));
            default:
                return unsupported.result();
        }
    }

    /** REPORT LUNS reaching a single LU directly (no target around it): lists that LUN. */
    static CompletableFuture<ScsiResult> reportThisLun(ScsiRequest r) {
        return Command.now(reportLuns(r.cdb(), List.of(r.task().lun())));
    }
}

package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * READ DEFECT DATA (10) and (12) (SBC-4 §5.18, §5.19). A volume has no media defects, so both
 * lists are empty. The lists asked for (REQ_PLIST, REQ_GLIST) are reported valid (PLISTV,
 * GLISTV) and the DEFECT LIST FORMAT is the one asked for: an empty list is the same in every
 * format. The (12) header adds a generation code, 0 since the list never changes. Under
 * persistent reservations it conflicts as a write does (SBC-4's reservation table).
 */
final class ReadDefectData {
    private ReadDefectData() {
    }

    static CompletableFuture<ScsiResult> ten(ScsiRequest r) {
        byte[] cdb = r.cdb();
        byte[] header = new byte[4];
        header[1] = (byte) (cdb[2] & 0x1f);
        return Command.now(ParameterData.respond(header, Cdb.u16(cdb, 7)));
    }

    static CompletableFuture<ScsiResult> twelve(ScsiRequest r) {
        byte[] cdb = r.cdb();
        byte[] header = new byte[8];
        header[1] = (byte) (cdb[1] & 0x1f);
        return Command.now(ParameterData.respond(header, Cdb.u32(cdb, 6)));
    }
}

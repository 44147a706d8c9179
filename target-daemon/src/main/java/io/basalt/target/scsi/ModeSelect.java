package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * MODE SELECT (6) and (10) (SPC-5 §6.9, §6.10). Pages must carry current values except in
 * changeable bits; saving (SP=1) is not supported. A change raises MODE PARAMETERS CHANGED for
 * the other I_T nexuses (SPC-5 §7.5.1).
 */
final class ModeSelect {
    private ModeSelect() {
    }

    static long parameterListLength(byte[] cdb) {
        return Cdb.u8(cdb, 0) == 0x55 ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean ten = Cdb.u8(cdb, 0) == 0x55;
        int length = (int) parameterListLength(cdb);
        if ((cdb[1] & 0x01) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 0)); // SP: no saved pages
        }
        if (length == 0) {
            return Command.now(ScsiResult.good());
        }
        if ((cdb[1] & 0x10) == 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 4)); // PF=0: vendor-specific format
        }
        if (r.dataOutBytes() < length) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        byte[] p = new byte[length];
        r.dataOut().getBytes(r.dataOut().readerIndex(), p);
        int header = ten ? 8 : 4;
        if (length < header) {
            return Command.now(Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR));
        }
        int descriptorLength = ten ? Cdb.u16(p, 6) : Cdb.u8(p, 3);
        Sense bad = checkDescriptor(r.lun(), p, header, descriptorLength, length);
        if (bad != null) {
            return Command.now(bad);
        }
        synchronized (r.lun().modeMutex()) {
            Sense refused = applyPages(r, p, header + descriptorLength, length);
            return Command.now(refused != null ? refused.result() : ScsiResult.good());
        }
    }

    /** Validates every page against the current values and changeable masks, then applies them. */
    private static Sense applyPages(ScsiRequest r, byte[] p, int start, int length) {
        ModeParameters before = r.lun().mode();
        ModeParameters next = before;
        int pos = start;
        while (pos < length) {
            if (length - pos < 2) {
                return Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR);
            }
            ModePage page = ModePage.of(p[pos] & 0x3f);
            if ((p[pos] & 0x40) != 0 || page == null) {
                return Sense.invalidFieldInParameterList(pos, 5);
            }
            if (Cdb.u8(p, pos + 1) != page.length() - 2) {
                return Sense.invalidFieldInParameterList(pos + 1, 7);
            }
            if (pos + page.length() > length) {
                return Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR);
            }
            byte[] current = page.current(next);
            byte[] changeable = page.changeable();
            for (int i = 2; i < page.length(); i++) {
                if (((p[pos + i] ^ current[i]) & ~changeable[i] & 0xff) != 0) {
                    return Sense.invalidFieldInParameterList(pos + i, -1);
                }
            }
            byte[] given = new byte[page.length()];
            System.arraycopy(p, pos, given, 0, given.length);
            next = page.apply(next, given);
            pos += page.length();
        }
        if (!next.equals(before)) {
            r.lun().mode(next);
            r.lun().unitAttentions().raiseAllExcept(r.nexus(), Asc.MODE_PARAMETERS_CHANGED);
        }
        return null;
    }

    /** A block descriptor may restate (or zero) the block length; it cannot change it (no FORMAT UNIT). */
    private static Sense checkDescriptor(Lun lun, byte[] p, int header, int descriptorLength, int length) {
        if (descriptorLength == 0) {
            return null;
        }
        if (descriptorLength != 8 && descriptorLength != 16) {
            return Sense.invalidFieldInParameterList(header - 1, -1);
        }
        if (header + descriptorLength > length) {
            return Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR);
        }
        int at = header + descriptorLength - 4;
        long blockLength = descriptorLength == 8 ? Cdb.u32(p, at) & 0xffffff : Cdb.u32(p, at);
        return blockLength == 0 || blockLength == lun.blockSize() ? null : Sense.invalidFieldInParameterList(at, -1);
    }
}

package io.basalt.target.scsi;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** MODE SENSE (6) and (10) (SPC-5 §6.11, §6.12; block descriptors SBC-4 §6.4.2). */
final class ModeSense {
    /** Device-specific parameter (SBC-4 §6.4.1): WP bit, and DPOFUA=1 (DPO and FUA are honoured). */
    private static final int WP = 0x80;
    private static final int DPOFUA = 0x10;

    private ModeSense() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean ten = Cdb.u8(cdb, 0) == 0x5a;
        int pageControl = Cdb.u8(cdb, 2) >>> 6;
        int pageCode = cdb[2] & 0x3f;
        int subpage = Cdb.u8(cdb, 3);
        long allocation = ten ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (pageControl == 3) {
            return Command.now(new Sense(SenseKey.ILLEGAL_REQUEST, Asc.SAVING_PARAMETERS_NOT_SUPPORTED, null,
                    new Sense.FieldPointer(true, 2, 7)));
        }
        List<ModePage> pages;
        if (pageCode == ModePage.ALL_PAGES && (subpage == 0x00 || subpage == 0xff)) {
            pages = List.of(ModePage.values());
        } else if (ModePage.of(pageCode) != null && subpage == 0) {
            pages = List.of(ModePage.of(pageCode));
        } else {
            return Command.now(Sense.invalidFieldInCdb(subpage == 0 ? 2 : 3, subpage == 0 ? 5 : 7));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ModeParameters mode = r.lun().mode();
        for (ModePage p : pages) {
            body.writeBytes(p.forPageControl(pageControl, mode));
        }
        boolean dbd = (cdb[1] & 0x08) != 0;
        boolean longLba = ten && (cdb[1] & 0x10) != 0;
        byte[] descriptor = dbd ? new byte[0] : blockDescriptor(r.lun(), longLba, pageControl == 1);
        int specific = (mode.softwareWriteProtect() ? WP : 0) | DPOFUA;
        byte[] data = ten ? header10(descriptor, longLba, specific, body.toByteArray())
                : header6(descriptor, specific, body.toByteArray());
        return Command.now(ParameterData.respond(data, allocation));
    }

    private static byte[] header6(byte[] descriptor, int specific, byte[] pages) {
        byte[] b = new byte[4 + descriptor.length + pages.length];
        b[0] = (byte) (b.length - 1);
        b[2] = (byte) specific;
        b[3] = (byte) descriptor.length;
        System.arraycopy(descriptor, 0, b, 4, descriptor.length);
        System.arraycopy(pages, 0, b, 4 + descriptor.length, pages.length);
        return b;
    }

    private static byte[] header10(byte[] descriptor, boolean longLba, int specific, byte[] pages) {
        byte[] b = new byte[8 + descriptor.length + pages.length];
        Cdb.put16(b, 0, b.length - 2);
        b[3] = (byte) specific;
        b[4] = (byte) (longLba && descriptor.length > 0 ? 0x01 : 0);
        Cdb.put16(b, 6, descriptor.length);
        System.arraycopy(descriptor, 0, b, 8, descriptor.length);
        System.arraycopy(pages, 0, b, 8 + descriptor.length, pages.length);
        return b;
    }

    /**
     * Short (8-byte) or long (16-byte) LBA block descriptor: block count (FFFFFFFFh when too
     * large for the short form) and block length. Nothing in it is changeable.
     */
    private static byte[] blockDescriptor(Lun lun, boolean longLba, boolean changeable) {
        byte[] b = new byte[longLba ? 16 : 8];
        if (changeable) {
            return b;
        }
        long blocks = lun.blockCount();
        if (longLba) {
            Cdb.put64(b, 0, blocks);
            Cdb.put32(b, 12, lun.blockSize());
        } else {
            Cdb.put32(b, 0, Math.min(blocks, 0xffffffffL));
            b[5] = (byte) (lun.blockSize() >>> 16);
            Cdb.put16(b, 6, lun.blockSize());
        }
        return b;
    }
}

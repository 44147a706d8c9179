package io.basalt.target.scsi;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT SUPPORTED OPERATION CODES (SPC-5 §6.35), generated from the opcode table. Reporting
 * options 000b (all commands), 001b (one opcode without service actions), 010b (one opcode and
 * service action) and 011b (either); RCTD=1 adds a command timeouts descriptor to each.
 */
final class ReportSupportedOpcodes {
    private static final int TIMEOUTS_LENGTH = 12;
    /** Nominal and recommended command timeouts, in seconds. */
    private static final int NOMINAL_TIMEOUT = 30;
    private static final int RECOMMENDED_TIMEOUT = 60;

    private ReportSupportedOpcodes() {
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean rctd = (cdb[2] & 0x80) != 0;
        int options = cdb[2] & 0x07;
        int opcode = Cdb.u8(cdb, 3);
        int serviceAction = Cdb.u16(cdb, 4);
        long allocation = Cdb.u32(cdb, 6);
        CommandTable table = r.table();
        boolean hasSa = table.hasServiceActions(opcode);
        byte[] data;
        switch (options) {
            case 0 -> data = all(table, rctd);
            case 1 -> {
                if (hasSa) {
                    return Command.now(Sense.invalidFieldInCdb(2, 2));
                }
                data = one(table.find(opcode, 0), rctd);
            }
            case 2 -> {
                if (!hasSa) {
                    return Command.now(Sense.invalidFieldInCdb(2, 2));
                }
                data = one(serviceAction < 32 ? table.find(opcode, serviceAction) : null, rctd);
            }
            case 3 -> data = one(hasSa && serviceAction >= 32 ? null : table.find(opcode, serviceAction), rctd);
            default -> {
                return Command.now(Sense.invalidFieldInCdb(2, 2));
            }
        }
        return Command.now(ParameterData.respond(data, allocation));
    }

    /** All_commands parameter data (SPC-5 §6.35.2): 8-byte descriptors, optional timeouts. */
    private static byte[] all(CommandTable table, boolean rctd) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (Command c : table.supported()) {
            byte[] b = new byte[8];
            b[0] = (byte) c.opcode();
            Cdb.put16(b, 2, Math.max(0, c.serviceAction()));
            b[5] = (byte) ((rctd ? 0x02 : 0) | (c.hasServiceAction() ? 0x01 : 0));
            Cdb.put16(b, 6, c.cdbLength());
            d.writeBytes(b);
            if (rctd) {
                d.writeBytes(timeouts());
            }
        }
        byte[] body = d.toByteArray();
        byte[] out = new byte[4 + body.length];
        Cdb.put32(out, 0, body.length);
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /**
     * One_command parameter data (SPC-5 §6.35.3): SUPPORT 011b with the CDB usage data, or
     * 001b (not supported) with no CDB.
     */
    private static byte[] one(Command c, boolean rctd) {
        if (c == null) {
            byte[] b = new byte[4];
            b[1] = 0x01;
            return b;
        }
        byte[] b = new byte[4 + c.cdbLength() + (rctd ? TIMEOUTS_LENGTH : 0)];
        b[1] = (byte) ((rctd ? 0x80 : 0) | 0x03);
        Cdb.put16(b, 2, c.cdbLength());
        System.arraycopy(c.usage(), 0, b, 4, c.cdbLength());
        if (rctd) {
            System.arraycopy(timeouts(), 0, b, 4 + c.cdbLength(), TIMEOUTS_LENGTH);
        }
        return b;
    }

    /** Command timeouts descriptor (SPC-5 §6.35.4): DESCRIPTOR LENGTH 0Ah. */
    private static byte[] timeouts() {
        byte[] b = new byte[TIMEOUTS_LENGTH];
        Cdb.put16(b, 0, 0x0a);
        Cdb.put32(b, 4, NOMINAL_TIMEOUT);
        Cdb.put32(b, 8, RECOMMENDED_TIMEOUT);
        return b;
    }
}

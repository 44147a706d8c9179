package io.basalt.target.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** PERSISTENT RESERVE IN (SPC-5 §6.16): READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS. */
final class PersistentReserveIn {
    /** REPORT CAPABILITIES type mask (SPC-5 §6.16.4): all six types. */
    private static final int TYPE_MASK = 0xea01;

    private PersistentReserveIn() {
    }

    static CompletableFuture<ScsiResult> readKeys(ScsiRequest r) {
        PrState pr = r.lun().pr();
        byte[] b = new byte[8 + 8 * pr.registrations().size()];
        Cdb.put32(b, 0, pr.generation());
        Cdb.put32(b, 4, b.length - 8); // not truncated by the allocation length (SPC-5 §6.16.2)
        int at = 8;
        for (long key : pr.registrations().values()) {
            Cdb.put64(b, at, key);
            at += 8;
        }
        return respond(r, b);
    }

    /** The reservation; its key is zero for All Registrants types (SPC-5 §6.16.3.3). */
    static CompletableFuture<ScsiResult> readReservation(ScsiRequest r) {
        PrState pr = r.lun().pr();
        PrState.Reservation res = pr.reservation();
        byte[] b = new byte[res == null ? 8 : 24];
        Cdb.put32(b, 0, pr.generation());
        if (res != null) {
            Cdb.put32(b, 4, 16);
            Cdb.put64(b, 8, res.type().allRegistrants() ? 0 : pr.keyOf(res.holder()));
            b[21] = (byte) res.type().code(); // SCOPE 0h: LU_SCOPE
        }
        return respond(r, b);
    }

    /**
     * CRH=0, SIP_C=0, ATP_C=0 (no SPEC_I_PT / ALL_TG_PT), PTPL_C=1 (state is always stored
     * with the volume), TMV=1 with every type, PTPL_A from the last registration's APTPL.
     */
    static CompletableFuture<ScsiResult> reportCapabilities(ScsiRequest r) {
        byte[] b = new byte[8];
        Cdb.put16(b, 0, 8);
        b[2] = 0x01;
        b[3] = (byte) (0x80 | (r.lun().pr().aptpl() ? 0x01 : 0));
        Cdb.put16(b, 4, TYPE_MASK);
        return respond(r, b);
    }

    /** One full status descriptor per registration (SPC-5 §6.16.5) with an iSCSI TransportID. */
    static CompletableFuture<ScsiResult> readFullStatus(ScsiRequest r) {
        PrState pr = r.lun().pr();
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (Map.Entry<Nexus, Long> e : pr.registrations().entrySet()) {
            byte[] transportId = transportId(e.getKey());
            byte[] b = new byte[24];
            Cdb.put64(b, 0, e.getValue());
            if (pr.holds(e.getKey())) {
                b[12] = 0x01;
                b[13] = (byte) pr.reservation().type().code();
            }
            Cdb.put16(b, 18, Math.max(1, e.getKey().portalGroup()));
            Cdb.put32(b, 20, transportId.length);
            d.writeBytes(b);
            d.writeBytes(transportId);
        }
        byte[] body = d.toByteArray();
        byte[] b = new byte[8 + body.length];
        Cdb.put32(b, 0, pr.generation());
        Cdb.put32(b, 4, body.length);
        System.arraycopy(body, 0, b, 8, body.length);
        return respond(r, b);
    }

    /**
     * iSCSI TransportID, format 01b (SPC-5 §7.6.4.6): the initiator port name
     * "name,i,0xISID", null terminated and padded to a multiple of four.
     */
    static byte[] transportId(Nexus nexus) {
        byte[] name = nexus.initiatorPort().getBytes(StandardCharsets.UTF_8);
        int padded = Math.max(20, (name.length + 1 + 3) & ~3);
        byte[] b = new byte[4 + padded];
        b[0] = 0x45;
        Cdb.put16(b, 2, padded);
        System.arraycopy(name, 0, b, 4, name.length);
        return b;
    }

    private static CompletableFuture<ScsiResult> respond(ScsiRequest r, byte[] data) {
        return Command.now(ParameterData.respond(data, Cdb.u16(r.cdb(), 7)));
    }
}

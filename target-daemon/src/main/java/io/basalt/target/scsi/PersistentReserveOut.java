package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * PERSISTENT RESERVE OUT (SPC-5 §6.17): parses the CDB and the 24-byte parameter list, runs
 * the service action's transition on the current state, stores the next state with the device
 * and only then makes it current and raises the unit attentions it calls for. PROUT commands
 * of one LU run one at a time.
 */
final class PersistentReserveOut {
    static final int REGISTER = 0x00;
    static final int RESERVE = 0x01;
    static final int RELEASE = 0x02;
    static final int CLEAR = 0x03;
    static final int PREEMPT = 0x04;
    static final int PREEMPT_AND_ABORT = 0x05;
    static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    private static final int PARAMETER_LIST = 24;

    private PersistentReserveOut() {
    }

    static long dataOutLength(byte[] cdb, int blockSize) {
        return Cdb.u32(cdb, 5);
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        byte[] cdb = r.cdb();
        if (Cdb.u32(cdb, 5) != PARAMETER_LIST) {
            return Command.now(Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR));
        }
        if (r.dataOutBytes() < PARAMETER_LIST) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        ByteBuf p = r.dataOut();
        int base = p.readerIndex();
        long key = p.getLong(base);
        long serviceActionKey = p.getLong(base + 8);
        int flags = p.getUnsignedByte(base + 20);
        if ((flags & 0x08) != 0) {
            return Command.now(Sense.invalidFieldInParameterList(20, 3)); // SPEC_I_PT: SIP_C=0
        }
        if ((flags & 0x04) != 0) {
            return Command.now(Sense.invalidFieldInParameterList(20, 2)); // ALL_TG_PT: ATP_C=0
        }
        boolean aptpl = (flags & 0x01) != 0;
        int scope = Cdb.u8(cdb, 2) >>> 4;
        PrType type = PrType.fromCode(cdb[2] & 0x0f);
        Nexus n = r.nexus();
        Lun lun = r.lun();
        synchronized (lun.prMutex()) {
            PrState current = lun.pr();
            PrTransitions.Transition t = switch (cdb[1] & 0x1f) {
                case REGISTER -> PrTransitions.register(current, n, key, serviceActionKey, aptpl, false);
                case REGISTER_AND_IGNORE_EXISTING_KEY ->
                        PrTransitions.register(current, n, key, serviceActionKey, aptpl, true);
                case RESERVE -> PrTransitions.reserve(current, n, key, scope, type);
                case RELEASE -> PrTransitions.release(current, n, key, scope, type);
                case CLEAR -> PrTransitions.clear(current, n, key);
                default -> PrTransitions.preempt(current, n, key, serviceActionKey, scope, type);
            };
            if (t.next() != current) {
                lun.commitPr(t.next());
            }
            for (Map.Entry<Nexus, Asc> ua : t.attentions().entrySet()) {
                lun.unitAttentions().raise(ua.getKey(), ua.getValue());
            }
            return Command.now(t.result());
        }
    }
}

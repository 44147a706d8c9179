package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/** The commands that only look at or nudge the unit: TUR, REQUEST SENSE, START STOP UNIT, PREVENT ALLOW. */
final class UnitCommands {
    private UnitCommands() {
    }

    /** TEST UNIT READY (SPC-5 §6.47): the unit is always ready once it exists. */
    static CompletableFuture<ScsiResult> testUnitReady(ScsiRequest r) {
        return Command.now(ScsiResult.good());
    }

    /**
     * REQUEST SENSE (SPC-5 §6.39): returns, and so clears, the oldest pending unit attention,
     * else NO SENSE. Only fixed format is supported (DESC=1 is refused).
     */
    static CompletableFuture<ScsiResult> requestSense(ScsiRequest r) {
        if ((r.cdb()[1] & 0x01) != 0) {
            return Command.now(Sense.invalidFieldInCdb(1, 0));
        }
        Sense pending = r.lun().unitAttentions().poll(r.nexus());
        Sense sense = pending != null ? pending : Sense.of(SenseKey.NO_SENSE, Asc.NO_ADDITIONAL_SENSE);
        return Command.now(ParameterData.respond(sense.toFixed(), Cdb.u8(r.cdb(), 4)));
    }

    /**
     * START STOP UNIT (SBC-4 §5.27): nothing spins, so starting, stopping and power conditions
     * are accepted as no-ops; LOEJ=1 is refused because the medium is not removable (RMB=0).
     */
    static CompletableFuture<ScsiResult> startStopUnit(ScsiRequest r) {
        if ((r.cdb()[4] & 0x02) != 0) {
            return Command.now(Sense.invalidFieldInCdb(4, 1));
        }
        return Command.now(ScsiResult.good());
    }

    /** PREVENT ALLOW MEDIUM REMOVAL (SBC-4 §5.13): accepted; there is no medium to remove. */
    static CompletableFuture<ScsiResult> preventAllowMediumRemoval(ScsiRequest r) {
        return Command.now(ScsiResult.good());
    }
}

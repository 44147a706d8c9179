package io.basalt.target.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * One entry of the opcode table: a handler and the metadata the dispatcher and the transport
 * need without running it.
 *
 * @param name          the command's name in SPC/SBC
 * @param opcode        operation code
 * @param serviceAction service action, or -1 for commands without one
 * @param cdbLength     CDB length in bytes
 * @param usage         CDB USAGE DATA for REPORT SUPPORTED OPERATION CODES (SPC-5 §6.35.3):
 *                      the bits this device server examines; length {@code cdbLength}
 * @param direction     data direction
 * @param prAccess      behaviour under another nexus's persistent reservation
 * @param spc2Allowed   runs while another nexus holds an SPC-2 reservation (SPC-2 §5.5.1)
 * @param uaAllowed     runs, without reporting it, while a unit attention is pending (SAM-5 §5.14)
 * @param dataOut       bytes of Data-Out the command consumes
 * @param handler       the command's implementation
 * @param nonBlocking   an implementation that never waits for the disk (may run on an event
 *                      loop): it returns null, having changed nothing, when it would have to;
 *                      null when the command has none
 */
public record Command(String name, int opcode, int serviceAction, int cdbLength, byte[] usage,
                      DataDirection direction, PrAccess prAccess, boolean spc2Allowed, boolean uaAllowed,
                      DataOutLength dataOut, Handler handler, Handler nonBlocking) {

    /** This command with a non-blocking implementation. */
    public Command withNonBlocking(Handler h) {
        return new Command(name, opcode, serviceAction, cdbLength, usage, direction, prAccess, spc2Allowed, uaAllowed,
                dataOut, handler, h);
    }

    /** Executes a command. Contract: runs on a worker thread, may block on reads. */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<ScsiResult> handle(ScsiRequest request);
    }

    /** Data-Out a CDB asks for, in bytes, given the LU's logical block size. */
    @FunctionalInterface
    public interface DataOutLength {
        DataOutLength NONE = (cdb, blockSize) -> 0;

        long of(byte[] cdb, int blockSize);
    }

    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    /** A completed outcome, for handlers that finish synchronously. */
    public static CompletableFuture<ScsiResult> now(ScsiResult result) {
        return CompletableFuture.completedFuture(result);
    }

    public static CompletableFuture<ScsiResult> now(Sense sense) {
        return CompletableFuture.completedFuture(sense.result());
    }
}

package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * Runs SCSI commands against a logical unit through the opcode table. The order of checks
 * follows SAM-5 §5.14 and SPC-5 §5.14: a pending unit attention first (except for commands
 * allowed through it), then CDB sanity, then reservation conflicts, then the handler. Engine
 * failures, thrown or completing a future exceptionally, become sense data in
 * {@link SenseMapper}. Stateless and thread-safe; one instance serves every LU.
 */
public final class ScsiDispatcher {
    private final CommandTable table;

    public ScsiDispatcher() {
        this(CommandSet.table());
    }

    ScsiDispatcher(CommandTable table) {
        this.table = table;
    }

    public CommandTable table() {
        return table;
    }

    /**
     * Executes {@code task} on {@code lun}. Call on a worker thread: reads block. The future
     * completes when the command is done (writes: when the device's write completes) and never
     * completes exceptionally. The task's Data-Out is released once the command completes.
     */
    public CompletableFuture<ScsiResult> execute(Lun lun, ScsiTask task) {
        return start(lun, task, false);
    }

    /**
     * Starts {@code task} at once if its command can run without waiting: a read whose blocks
     * are all in memory (the future is done on return), a small write the device appends
     * without waiting (the future completes when it is done, durable if asked). Otherwise
     * returns null having changed nothing, and the caller runs {@link #execute} on a worker.
     * Safe on an event loop.
     */
    public CompletableFuture<ScsiResult> tryStart(Lun lun, ScsiTask task) {
        return table.lookup(task.cdb()).nonBlocking() == null ? null : start(lun, task, true);
    }

    /** Writes up to this many bytes may be started at once ({@link #tryStart}); larger ones go to a worker. */
    public static final int NON_BLOCKING_WRITE_MAX = Write.NON_BLOCKING_MAX;

    /** Runs the command and ends it ({@link #finish}); null only when {@code nonBlocking} and it would have to wait. */
    private CompletableFuture<ScsiResult> start(Lun lun, ScsiTask task, boolean nonBlocking) {
        CompletableFuture<ScsiResult> outcome;
        try {
            outcome = run(lun, task, nonBlocking);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome == null ? null : outcome.handle((result, failure) -> finish(lun, task, result, failure));
    }

    private static ScsiResult finish(Lun lun, ScsiTask task, ScsiResult result, Throwable failure) {
        release(task.dataOut());
        if (failure == null) {
            return result;
        }
        return SenseMapper.toSense(failure, lun.blockSize(), Cdb.startLba(task.cdb())).result();
    }

    /**
     * Bytes of Data-Out the CDB asks for (0 for commands without Data-Out), so the transport
     * knows how much to solicit. Never fails: an unknown or malformed CDB needs none.
     */
    public long dataOutLength(byte[] cdb, int blockSize) {
        Command c = table.lookup(cdb);
        if (c.direction() != DataDirection.OUT || cdb.length < c.cdbLength()) {
            return 0;
        }
        return c.dataOut().of(cdb, blockSize);
    }

    /**
     * Whether the command is a plain WRITE (6/10/12/16) of whole 4 KiB blocks, {@code length}
     * bytes long: executing it only appends to the log, and never waits for the disk (a write
     * of part of a 4 KiB block first reads the rest of it; WRITE AND VERIFY, COMPARE AND WRITE
     * and the others read too). The transport may hand such writes to a worker together.
     */
    public static boolean appendOnlyWrite(byte[] cdb, long length) {
        int op = cdb.length > 0 ? cdb[0] & 0xff : -1;
        if ((op != 0x0a && op != 0x2a && op != 0xaa && op != 0x8a) || cdb.length < Cdb.groupLength(op)) {
            return false;
        }
        long blocks = Cdb.blocks(cdb);
        if (blocks <= 0 || length <= 0 || length % 4096 != 0 || length % blocks != 0) {
            return false;
        }
        long blockSize = length / blocks;
        return blockSize <= 4096 && 4096 % blockSize == 0 && Cdb.lba(cdb) % (4096 / blockSize) == 0;
    }

    /** The command's data direction. */
    public DataDirection direction(byte[] cdb) {
        return table.lookup(cdb).direction();
    }

    /** Null only when {@code nonBlocking} and the command would have to wait for the disk. */
    private CompletableFuture<ScsiResult> run(Lun lun, ScsiTask task, boolean nonBlocking) {
        byte[] cdb = task.cdb();
        Command command = table.lookup(cdb);
        Nexus nexus = task.nexus();
        UnitAttentions ua = lun.unitAttentions();
        ua.admit(nexus);
        if (!command.uaAllowed()) {
            Sense pending = ua.poll(nexus);
            if (pending != null) {
                return Command.now(pending);
            }
        }
        if (command.opcode() < 0) {
            return command.handler().handle(new ScsiRequest(lun, task, command, table));
        }
        if (cdb.length < command.cdbLength()) {
            return Command.now(Sense.illegalRequest(Asc.INVALID_FIELD_IN_CDB));
        }
        if ((cdb[command.cdbLength() - 1] & 0x04) != 0) {
            // CONTROL byte NACA=1: ACA is not supported (SAM-5 §5.3.1).
            return Command.now(Sense.invalidFieldInCdb(command.cdbLength() - 1, 2));
        }
        if (ReservationCheck.conflicts(lun, nexus, command)) {
            return Command.now(ReservationCheck.CONFLICT);
        }
        Command.Handler h = nonBlocking ? command.nonBlocking() : command.handler();
        return h.handle(new ScsiRequest(lun, task, command, table));
    }

    private static void release(ByteBuf buf) {
        if (buf != null && buf.refCnt() > 0) {
            buf.release();
        }
    }
}

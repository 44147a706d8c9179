package io.basalt.target.iscsi;

import io.basalt.engine.WriteBatch;
import io.basalt.target.login.LoginNegotiator;
import io.basalt.target.login.LoginRequest;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.login.LoginStep;
import io.basalt.target.login.OperationalParameters;
import io.basalt.target.login.SessionType;
import io.basalt.target.login.TextAccumulator;
import io.basalt.target.login.TextFormatException;
import io.basalt.target.login.TextParameters;
import io.basalt.target.pdu.DataIn;
import io.basalt.target.pdu.DataOutPdu;
import io.basalt.target.pdu.InvalidPdu;
import io.basalt.target.pdu.LoginRequestPdu;
import io.basalt.target.pdu.LogoutRequestPdu;
import io.basalt.target.pdu.LogoutResponse;
import io.basalt.target.pdu.NopIn;
import io.basalt.target.pdu.NopOutPdu;
import io.basalt.target.pdu.Opcode;
import io.basalt.target.pdu.Pdu;
import io.basalt.target.pdu.PduDecoder;
import io.basalt.target.pdu.PduEncoder;
import io.basalt.target.pdu.R2T;
import io.basalt.target.pdu.Reject;
import io.basalt.target.pdu.RejectReason;
import io.basalt.target.pdu.ScsiCommandPdu;
import io.basalt.target.pdu.ScsiResponse;
import io.basalt.target.pdu.TaskMgmtRequestPdu;
import io.basalt.target.pdu.TaskMgmtResponse;
import io.basalt.target.pdu.TextRequestPdu;
import io.basalt.target.pdu.TextResponse;
import io.basalt.target.scsi.Asc;
import io.basalt.target.scsi.Nexus;
import io.basalt.target.scsi.ScsiDispatcher;
import io.basalt.target.scsi.ScsiResult;
import io.basalt.target.scsi.ScsiTask;
import io.basalt.target.scsi.Sense;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One iSCSI connection, which is one session (MaxConnections=1): the login phase, then the
 * full feature phase. Everything here runs on the connection's event loop; SCSI commands are
 * executed on the worker executor and their results come back to the event loop, except reads
 * whose data is in memory, which complete on the event loop, and small durable writes, which
 * are appended on it (see {@link ScsiPort#tryStart}).
 */
final class IscsiConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(IscsiConnection.class.getName());
    /** Commands a session may have received and not completed (the CmdSN window). */
    static final int WINDOW = 128;
    private static final int NOP_INTERVAL_SECONDS = 15;
    private static final int NOP_TIMEOUT_SECONDS = 30;

    enum Phase { LOGIN, FULL_FEATURE, LOGGED_OUT }

    private final TargetRegistry registry;
    private final SessionRegistry sessions;
    private final LoginSettings settings;
    private final Executor workers;
    private final LoginNegotiator negotiator;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.LOGIN;

    private OperationalParameters params;
    private TargetRegistry.Target target;
    private Nexus nexus;
    private SessionRegistry.Key sessionKey;
    private int tsih;
    private int statSN;
    private CommandWindow<Pdu> window;
    private final Map<Integer, Task> tasks = new HashMap<>();
    /** Tags of writes aborted while their Data-Out was still arriving (the latest 256). */
    private final Map<Integer, Boolean> abortedCollecting = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > 256;
        }
    };
    /** When each command may start, by task attribute. */
    private final TaskSet taskSet = new TaskSet();
    /** Starts a command whose turn has come, unless a task management function aborted it. */
    private final Consumer<Task> start = t -> {
        if (t.aborted) {
            return;
        }
        try {
            execute(t);
        } catch (RuntimeException e) { // answered, so it leaves and nothing waits on it forever
            if (t.state != Task.State.DONE) {
                finish(t, null, e);
            }
        }
    };
    private int nextTtt = 1;
    private final TextAccumulator textIn = new TextAccumulator(64 * 1024);
    private byte[] textOutPending;
    private int textOutOffset;
    private int textTtt;
    private ScheduledFuture<?> nopTimer;
    private long lastHeard = System.nanoTime();
    private int pingTtt;

    IscsiConnection(TargetRegistry registry, SessionRegistry sessions, LoginSettings settings, Executor workers) {
        this.registry = registry;
        this.sessions = sessions;
        this.settings = settings;
        this.workers = workers;
        this.negotiator = new LoginNegotiator(registry, settings);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.polling = ReadPolling.current();
        ctx.fireChannelActive();
    }

    /** The event loop's read polling, told of reads answered on the loop and of commands with workers; may be null. */
    private ReadPolling polling;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastHeard = System.nanoTime();
        if (msg instanceof InvalidPdu invalid) {
            onInvalid(invalid);
            return;
        }
        Pdu pdu = (Pdu) msg;
        try {
            switch (phase) {
                case LOGIN -> onLoginPhase(pdu);
                case FULL_FEATURE -> onFullFeature(pdu);
                default -> {
                    // after logout nothing more is accepted
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing connection after an internal error handling " + pdu.opcode(), e);
            ctx.close();
        } finally {
            ReferenceCountUtil.release(pdu);
        }
    }

    private void onInvalid(InvalidPdu invalid) {
        LOG.info("invalid PDU from " + ctx.channel().remoteAddress() + ": " + invalid);
        if (phase == Phase.LOGIN || invalid.closeConnection()) {
            ctx.close();
            return;
        }
        Reject.of(invalid).ifPresentOrElse(this::sendCounted, ctx::close);
    }

    // ------------------------------------------------------------------ login phase

    private void onLoginPhase(Pdu pdu) {
        if (pdu.opcode() != Opcode.LOGIN_REQUEST) {
            // RFC 7143 §6.1: only Login Requests until the login completes.
            LOG.info("closing: " + pdu.opcode() + " during login");
            ctx.close();
            return;
        }
        LoginRequestPdu req = LoginRequestPdu.of(pdu);
        if (window == null) {
            statSN = req.expStatSN();
            window = new CommandWindow<>(WINDOW, req.cmdSN());
        }
        LoginRequest request = LoginRequest.from(req);
        LoginStep step = negotiator.handle(request);
        int newTsih = 0;
        if (step.complete()) {
            newTsih = request.tsih() != 0 ? request.tsih() : sessions.newTsih();
        }
        Pdu response = step.responseTo(request).tsih(newTsih)
                .sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build();
        if (step.failed()) {
            LOG.info("login refused (" + step.status() + "): " + step.reason());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!step.complete()) {
            ctx.writeAndFlush(response);
            return;
        }
        OperationalParameters p = step.parameters();
        CompletableFuture<Void> oldGone = replaceOldSession(p);
        if (oldGone.isDone()) {
            ctx.writeAndFlush(response);
            startFullFeature(p, newTsih);
            return;
        }
        // Reinstatement: the final Login Response waits until the old session's commands have
        // ended and the I_T nexus's state is dropped, so that none of them runs beside, or
        // clears what, this session does (RFC 7143 §6.3.5).
        int tsihForNew = newTsih;
        oldGone.whenComplete((v, e) -> ctx.executor().execute(() -> {
            if (!ctx.channel().isActive() || phase != Phase.LOGIN) { // dropped, or reinstated in turn
                response.release();
                return;
            }
            ctx.writeAndFlush(response);
            startFullFeature(p, tsihForNew);
        }));
    }

    /**
     * For a normal session whose initiator, ISID and target match a live one: registers this
     * connection as the session, aborts the old one's commands and closes it, and drops the
     * nexus's state once its last command has ended. Completed at once when nothing is replaced.
     */
    private CompletableFuture<Void> replaceOldSession(OperationalParameters p) {
        if (p.sessionType() != SessionType.NORMAL) {
            return CompletableFuture.completedFuture(null);
        }
        SessionRegistry.Key key = new SessionRegistry.Key(p.initiatorName(), p.isid(), p.targetName());
        IscsiConnection old = sessions.register(key, this);
        sessionKey = key;
        if (old == null || old == this) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("session reinstatement for " + p.initiatorName() + ", ISID " + String.format("%012x", p.isid())
                + ": closing the old session");
        predecessorGone = old.abortForReset(-1, true).thenRun(() -> {
            ScsiPort port = old.target == null ? null : old.target.port();
            if (port != null && old.nexus != null) {
                port.nexusGone(old.nexus); // the old connection's close left it alone: replaced
            }
        });
        return predecessorGone;
    }

    /**
     * Completes once the session this one reinstated has ended (its commands, then its I_T
     * nexus state); at once when it reinstated none. Until then this session counts as having
     * that one's commands: a reset, or a login reinstating this session in turn (this login
     * may be given up and retried), waits for them too. Event loop only.
     */
    private CompletableFuture<Void> predecessorGone = CompletableFuture.completedFuture(null);

    private void startFullFeature(OperationalParameters p, int newTsih) {
        this.params = p;
        this.tsih = newTsih;
        PduDecoder decoder = ctx.pipeline().get(PduDecoder.class);
        PduEncoder encoder = ctx.pipeline().get(PduEncoder.class);
        // Digests start with the first PDU after the final Login Response (RFC 7143 §13.1).
        decoder.setMaxDataSegmentLength(p.targetMaxRecvDataSegmentLength());
        decoder.enableDigests(p.digests());
        encoder.enableDigests(p.digests());
        phase = Phase.FULL_FEATURE;
        if (p.sessionType() == SessionType.NORMAL) {
            target = registry.get(p.targetName()).orElse(null);
            if (target == null) {
                ctx.close();
                return;
            }
            nexus = new Nexus(p.initiatorName(), String.format("%012x", p.isid()), p.targetName(), settings.portalGroupTag());
            registry.observer().sessionOpened();
        }
        nopTimer = ctx.executor().scheduleAtFixedRate(this::keepAlive, NOP_INTERVAL_SECONDS, NOP_INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ full feature phase

    private void onFullFeature(Pdu pdu) {
        Opcode op = pdu.opcode();
        if (op == Opcode.SCSI_DATA_OUT) {
            onDataOut(DataOutPdu.of(pdu));
            return;
        }
        if (op == Opcode.SNACK) {
            reject(pdu, RejectReason.SNACK_REJECT); // ErrorRecoveryLevel 0
            return;
        }
        if (op == Opcode.LOGIN_REQUEST) {
            reject(pdu, RejectReason.PROTOCOL_ERROR);
            return;
        }
        if (params.sessionType() == SessionType.DISCOVERY && op != Opcode.TEXT_REQUEST
                && op != Opcode.LOGOUT_REQUEST && op != Opcode.NOP_OUT) {
            // RFC 7143 §4.3: a discovery session carries only Text, Logout and NOP.
            reject(pdu, RejectReason.PROTOCOL_ERROR);
            return;
        }
        int cmdSN = be32(pdu.bhs(), 24); // CmdSN sits at bytes 24-27 of every initiator request
        if (pdu.immediate()) {
            window.immediateStarted();
            dispatch(pdu.retain());
            return;
        }
        CommandWindow.Verdict[] verdict = new CommandWindow.Verdict[1];
        List<Pdu> ready = window.offer(cmdSN, pdu, verdict);
        if (verdict[0] == CommandWindow.Verdict.HELD) {
            pdu.retain();
            return;
        }
        if (verdict[0] == CommandWindow.Verdict.DROPPED) {
            LOG.fine("dropping CmdSN " + cmdSN + " outside [" + window.expCmdSN() + ", " + window.maxCmdSN() + "]");
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            Pdu p = ready.get(i);
            dispatch(i == 0 ? p.retain() : p); // held PDUs were retained when held
        }
    }

    /** Takes over one reference to {@code pdu}. */
    private void dispatch(Pdu pdu) {
        try {
            switch (pdu.opcode()) {
                case SCSI_COMMAND -> onScsiCommand(ScsiCommandPdu.of(pdu));
                case NOP_OUT -> onNopOut(NopOutPdu.of(pdu));
                case TEXT_REQUEST -> onText(TextRequestPdu.of(pdu));
                case TASK_MGMT_REQUEST -> onTaskMgmt(TaskMgmtRequestPdu.of(pdu));
                case LOGOUT_REQUEST -> onLogout(LogoutRequestPdu.of(pdu));
                default -> {
                    reject(pdu, RejectReason.COMMAND_NOT_SUPPORTED);
                    window.completed();
                }
            }
        } finally {
            pdu.release();
        }
    }

    // ------------------------------------------------------------------ SCSI commands

    private void onScsiCommand(ScsiCommandPdu cmd) {
        if (!abortedCollecting.isEmpty()) {
            abortedCollecting.remove(cmd.itt()); // the tag is in use again
        }
        if (tasks.containsKey(cmd.itt())) {
            reject(cmd.pdu(), RejectReason.TASK_IN_PROGRESS);
            window.completed();
            return;
        }
        long lun = decodeLun(cmd.lun());
        long needed = target.port().dataOutLength(lun, cmd.cdb());
        long transfer = cmd.write() ? Math.min(cmd.expectedDataTransferLength(), needed) : 0;
        Task task = new Task(cmd, lun, needed, transfer, nextTtt);
        nextTtt += 0x10000;
        if (nextTtt == 0 || nextTtt == Pdu.NO_TAG) {
            nextTtt = 1;
        }
        tasks.put(task.itt, task);
        taskSet.enter(task);
        ByteBuf immediate = cmd.immediateData();
        int immediateLen = immediate == null ? 0 : immediate.readableBytes();
        if (immediateLen > 0) {
            acceptData(task, immediate);
        }
        // RFC 7143 §4.2.5.2: unsolicited Data-Out follows only with InitialR2T=No and F=0 on the
        // command, up to FirstBurstLength (immediate data included) or the expected length.
        task.unsolicitedEnd = params.initialR2T() || cmd.finalFlag() ? immediateLen
                : Math.min(params.firstBurstLength(), task.expectedLength);
        task.solicited = Math.max(task.unsolicitedEnd, task.nextOffset);
        continueTask(task);
    }

    /** Takes the in-order bytes of {@code data} that the command needs; counts all of them. */
    private void acceptData(Task task, ByteBuf data) {
        int len = data.readableBytes();
        long take = Math.max(0, Math.min(len, task.transferLength - task.nextOffset));
        if (take > 0) {
            task.append(ctx.alloc(), data.retainedSlice(data.readerIndex(), (int) take));
        }
        task.nextOffset += len;
    }

    /** Solicits more Data-Out, or executes once it has all. */
    private void continueTask(Task task) {
        if (!task.write || (task.allDataReceived() && task.nextOffset >= task.unsolicitedEnd)) {
            task.state = Task.State.WAITING;
            taskSet.startWhenAllowed(task, start);
            return;
        }
        while (task.solicited < task.transferLength && task.outstandingR2T < params.maxOutstandingR2T()) {
            int len = (int) Math.min(params.maxBurstLength(), task.transferLength - task.solicited);
            Pdu r2t = R2T.builder().lun(encodeLun(task.lun)).itt(task.itt).targetTransferTag(task.tttBase + task.r2tSN)
                    .r2tSN(task.r2tSN).bufferOffset((int) task.solicited).desiredDataTransferLength(len)
                    .sequence(statSN, window.expCmdSN(), window.maxCmdSN()).build();
            task.r2tSN++;
            task.outstandingR2T++;
            task.solicited += len;
            ctx.writeAndFlush(r2t);
        }
    }

    private void onDataOut(DataOutPdu d) {
        Task task = tasks.get(d.itt());
        if (task == null && abortedCollecting.containsKey(d.itt())) {
            // Data the initiator sent before it learnt of the abort (another session's reset
            // gives it no answer): discarded, as LIO does, not Rejected.
            return;
        }
        if (task == null || task.state != Task.State.COLLECTING || !task.write) {
            reject(d.pdu(), RejectReason.PROTOCOL_ERROR);
            return;
        }
        int ttt = d.targetTransferTag();
        boolean unsolicited = ttt == Pdu.NO_TAG;
        boolean badTag = unsolicited ? d.bufferOffset() >= task.unsolicitedEnd
                : (ttt - task.tttBase < 0 || ttt - task.tttBase >= task.r2tSN);
        if (badTag) {
            reject(d.pdu(), RejectReason.INVALID_PDU_FIELD);
            return;
        }
        if (ttt != task.sequenceTtt) {
            task.sequenceTtt = ttt;
            task.expectedDataSN = 0; // DataSN restarts with every R2T's sequence (RFC 7143 §11.7.5)
        }
        if (d.bufferOffset() != task.nextOffset || d.dataSN() != task.expectedDataSN) {
            // DataPDUInOrder=Yes and DataSequenceInOrder=Yes (RFC 7143 §13.19, §13.20); at
            // ErrorRecoveryLevel 0 a lost or misordered Data-Out ends the command (§7.1.4).
            reject(d.pdu(), RejectReason.PROTOCOL_ERROR);
            failTask(task, SENSE_DATA_PHASE_ERROR);
            return;
        }
        task.expectedDataSN++;
        acceptData(task, d.data());
        if (d.finalFlag() && !unsolicited) {
            task.outstandingR2T--;
        }
        if (!task.aborted) {
            continueTask(task);
        }
    }

    /** ABORTED COMMAND, DATA PHASE ERROR (SPC-5 Table 49: 4Bh/00h), fixed format sense. */
    private static final byte[] SENSE_DATA_PHASE_ERROR = {
        0x70, 0, 0x0b, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x4b, 0x00, 0, 0, 0, 0};

    /** Ends a command that is still collecting data with CHECK CONDITION. */
    private void failTask(Task task, byte[] sense) {
        task.releaseData();
        task.state = Task.State.DONE;
        tasks.remove(task.itt, task);
        window.completed();
        sendResponse(task, ScsiResponse.builder().response(ScsiResponse.COMMAND_COMPLETED)
                .status(ScsiResult.CHECK_CONDITION).senseData(sense));
        runDone(task);
        taskSet.leave(task, start);
    }

    private void execute(Task task) {
        task.state = Task.State.EXECUTING;
        if (task.attribute == Task.Attribute.ACA) {
            // SAM-5 §8.6: an ACA command while no ACA condition exists (NACA is never
            // accepted, so none ever does) ends with ILLEGAL REQUEST, INVALID MESSAGE ERROR.
            task.releaseData();
            finish(task, Sense.illegalRequest(Asc.INVALID_MESSAGE_ERROR).result(), null);
            return;
        }
        ScsiTask st = new ScsiTask(nexus, task.lun, task.cdb, task.expectedLength, task.takeData());
        // A small read served from memory completes here: two thread hand-offs cost more than
        // it (see Read.tryNow for what qualifies). A small write of whole blocks is appended
        // here when nothing stands in the way (Write.tryNow, Volume.tryWrite): the append is a
        // copy into the page cache, less than the hand-off to a worker and back; a durable one
        // is answered when its sync completes.
        if ((!task.write || inlineWrite(task)) && startedOnLoop(task, st)) {
            return;
        }
        // The length the CDB asks for at the LUN's block size, not the initiator's claim.
        if (!ScsiDispatcher.appendOnlyWrite(task.cdb, task.dataOutNeeded)) {
            handAlone(task, st); // may wait for the disk: side by side
            return;
        }
        // A plain write of whole 4 KiB blocks only appends (the wait for a sync is a future,
        // not a blocked thread), so small ones that one pass of the event loop decoded go to a
        // worker together: one thread hand-off, not one each. A large one goes at once, on its
        // own: the hand-off is small beside its work, and in a batch it would wait for the
        // rest of the pass's reads and then for the writes before it (measured for 128 KiB
        // writes at queue depth 8: 0.9 ms from decoding to a worker in batches, 0.2-0.4 ms alone).
        if (task.transferLength >= ALONE_WRITE_BYTES) {
            if (!writeBatch.isEmpty()) {
                handOffWrites(); // the writes decoded before it go first, as they would have
            }
            hand(List.of(new PendingCommand(task, st)), () -> WriteBatch.run(() -> run(task, st))); // its worker syncs it
            return;
        }
        if (writeBatch.isEmpty()) {
            ctx.executor().execute(this::handOffWrites); // runs after this pass's reads
        }
        writeBatch.add(new PendingCommand(task, st));
    }

    /**
     * Whether small writes are appended on the event loop when they can be ({@code
     * -Dbasalt.inlineWrites=false} hands every write to a worker, as before; for comparisons).
     */
    static final boolean INLINE_WRITES = !"false".equals(System.getProperty("basalt.inlineWrites"));

    /**
     * A plain write of whole 4 KiB blocks, small enough for the loop
     * ({@link ScsiDispatcher#NON_BLOCKING_WRITE_MAX}), while no write of this pass waits for a
     * worker: the writes of a pass keep their order.
     */
    private boolean inlineWrite(Task task) {
        return INLINE_WRITES && writeBatch.isEmpty() && task.dataOutNeeded <= ScsiDispatcher.NON_BLOCKING_WRITE_MAX
                && ScsiDispatcher.appendOnlyWrite(task.cdb, task.dataOutNeeded);
    }

    /**
     * Starts the command on the event loop if it can run without waiting; false, with nothing
     * done, if it cannot. A command done at once is answered now; a write waiting for its sync
     * is answered when that completes, as a worker's command is.
     */
    private boolean startedOnLoop(Task task, ScsiTask st) {
        if (task.write && WriteBatch.deferOnThisThread()) {
            // The durable writes of this pass (of all the loop's connections) wait for one
            // sync, which the syncer starts once they are all appended: woken by the first,
            // it would start one that the rest just miss.
            try {
                ctx.executor().execute(WriteBatch::wakeDeferred);
            } catch (RejectedExecutionException stopping) {
                WriteBatch.wakeDeferred(); // no pass end to wait for
            }
        }
        CompletableFuture<ScsiResult> started;
        try {
            started = target.port().tryStart(st);
        } catch (RuntimeException e) {
            releaseDataOut(st);
            finish(task, null, e);
            return true;
        }
        if (started == null) {
            return false;
        }
        if (started.isDone()) {
            ScsiResult result = null;
            Throwable err = null;
            try {
                result = started.join();
            } catch (CompletionException e) {
                err = e.getCause() != null ? e.getCause() : e;
            }
            finish(task, result, err);
            if (polling != null) {
                polling.answeredOnLoop();
            }
            return true;
        }
        if (polling != null) { // out with the syncer: the loop must not poll while it waits
            task.withWorker = true;
            polling.handed(1);
        }
        started.whenComplete((result, err) -> ctx.executor().execute(() -> finish(task, result, err)));
        return true;
    }

    private void handAlone(Task task, ScsiTask st) {
        hand(List.of(new PendingCommand(task, st)), () -> run(task, st));
    }

    /** Runs a command on the calling worker; its outcome goes back to the event loop. */
    private void run(Task task, ScsiTask st) {
        if (task.aborted) {
            // Aborted while queued for a worker: it does not run (it would write, or take a
            // unit attention meant for the initiator's next command). Nothing is answered.
            releaseDataOut(st);
            ctx.executor().execute(() -> finish(task, null, null));
            return;
        }
        try {
            target.port().execute(st).whenComplete((result, err) ->
                    ctx.executor().execute(() -> finish(task, result, err)));
        } catch (Throwable e) {
            ctx.executor().execute(() -> finish(task, null, e));
        }
    }

    /** A command decoded but not yet handed to a worker. */
    private record PendingCommand(Task task, ScsiTask command) {
    }

    /** Event loop only. */
    private List<PendingCommand> writeBatch = new ArrayList<>();
    /** Writes of at least this many bytes are handed to a worker on their own, not batched. */
    static final int ALONE_WRITE_BYTES = 32 * 1024;

    private void handOffWrites() {
        if (writeBatch.isEmpty()) {
            return; // a large write handed this pass's batch off already
        }
        List<PendingCommand> batch = writeBatch;
        writeBatch = new ArrayList<>();
        // The worker syncs the batch's durable writes itself once all are appended (WriteBatch).
        hand(batch, () -> WriteBatch.run(() -> batch.forEach(w -> run(w.task, w.command))));
    }

    /** Gives {@code work}, which runs {@code commands}, to a worker; fails them if none takes it. */
    private void hand(List<PendingCommand> commands, Runnable work) {
        if (polling != null) {
            for (PendingCommand w : commands) {
                w.task.withWorker = true;
            }
            polling.handed(commands.size());
        }
        try {
            workers.execute(work);
        } catch (RejectedExecutionException e) { // the server is stopping
            for (PendingCommand w : commands) {
                releaseDataOut(w.command);
                finish(w.task, null, e);
            }
        }
    }

    /** Releases the Data-Out of a command that will not be executed. */
    private static void releaseDataOut(ScsiTask st) {
        ByteBuf data = st.dataOut();
        if (data != null && data.refCnt() > 0) {
            data.release();
        }
    }

    /** Answers a command that has run, then starts those that waited for it. */
    private void finish(Task task, ScsiResult result, Throwable err) {
        if (task.withWorker) {
            task.withWorker = false;
            polling.returned();
        }
        answer(task, result, err);
        taskSet.leave(task, start);
    }

    private void answer(Task task, ScsiResult result, Throwable err) {
        task.state = Task.State.DONE;
        tasks.remove(task.itt, task);
        window.completed();
        if (result != null && result.status() == ScsiResult.GOOD) {
            observe(task, result);
        }
        if (!ctx.channel().isActive() || task.aborted) {
            if (result != null && result.dataIn() != null) {
                result.dataIn().release();
            }
            runDone(task);
            return;
        }
        if (err != null) {
            LOG.log(Level.WARNING, "SCSI command 0x" + Integer.toHexString(task.cdb[0] & 0xff) + " failed", err);
            sendResponse(task, ScsiResponse.builder().response(ScsiResponse.TARGET_FAILURE).status(0));
            runDone(task);
            return;
        }
        int dataSN = 0;
        ByteBuf in = result.dataIn();
        long produced = in == null ? 0 : in.readableBytes();
        if (in != null && task.read && task.expectedLength > 0) {
            dataSN = sendDataIn(task, result, in);
            if (dataSN < 0) {
                runDone(task);
                return;
            }
        } else if (in != null) {
            in.release();
        }
        ScsiResponse.Builder b = ScsiResponse.builder().response(ScsiResponse.COMMAND_COMPLETED).status(result.status());
        if (result.sense() != null) {
            b.senseData(result.sense());
        }
        if (task.write) {
            residual(b, task.expectedLength, task.transferLength, task.dataOutNeeded);
        } else {
            residual(b, task.expectedLength, task.read ? produced : 0, task.read ? produced : 0);
        }
        b.expDataSN(dataSN);
        sendResponse(task, b);
        runDone(task);
    }

    /** Reports a successful data transfer to the registry's observer (metrics). */
    private void observe(Task task, ScsiResult result) {
        String volume = target.port().volumeName(task.lun);
        if (volume == null) {
            return;
        }
        long nanos = System.nanoTime() - task.startNanos;
        if (task.write && task.transferLength > 0) {
            registry.observer().written(volume, task.transferLength, nanos);
        } else if (task.read && result.dataIn() != null) {
            registry.observer().read(volume, result.dataIn().readableBytes(), nanos);
        }
    }

    private static void residual(ScsiResponse.Builder b, long expected, long transferred, long wanted) {
        if (wanted > expected) {
            b.overflow((int) Math.min(Integer.MAX_VALUE, wanted - expected));
        } else if (transferred < expected) {
            b.underflow((int) (expected - transferred));
        }
    }

    /**
     * Sends Data-In PDUs of at most the initiator's MaxRecvDataSegmentLength. With GOOD status
     * and no sense the status rides on the last Data-In (phase collapse, RFC 7143 §11.7.4) and
     * -1 is returned; otherwise the number of Data-In PDUs sent.
     */
    private int sendDataIn(Task task, ScsiResult result, ByteBuf in) {
        int total = in.readableBytes();
        int send = (int) Math.min(total, task.expectedLength);
        boolean collapse = result.status() == ScsiResult.GOOD && result.sense() == null;
        int max = params.initiatorMaxRecvDataSegmentLength();
        int dataSN = 0;
        int offset = 0;
        if (send == 0) {
            in.release();
            return 0;
        }
        while (offset < send) {
            int len = Math.min(max, send - offset);
            boolean last = offset + len == send;
            DataIn.Builder b = DataIn.builder().itt(task.itt).lun(encodeLun(task.lun)).targetTransferTag(Pdu.NO_TAG)
                    .dataSN(dataSN++).bufferOffset(offset).data(in.retainedSlice(in.readerIndex() + offset, len))
                    .finalFlag(last);
            if (last && collapse) {
                b.status(result.status());
                if (total > task.expectedLength) {
                    b.overflow((int) (total - task.expectedLength));
                } else if (total < task.expectedLength) {
                    b.underflow((int) (task.expectedLength - total));
                }
                b.sequence(statSN++, window.expCmdSN(), window.maxCmdSN());
            } else {
                b.sequence(statSN, window.expCmdSN(), window.maxCmdSN());
            }
            ctx.write(b.build());
            offset += len;
        }
        in.release();
        if (collapse) {
            ctx.flush();
            return -1;
        }
        return dataSN;
    }

    private void sendResponse(Task task, ScsiResponse.Builder b) {
        b.itt(task.itt).sequence(statSN++, window.expCmdSN(), window.maxCmdSN());
        ctx.writeAndFlush(b.build());
    }

    private void runDone(Task task) {
        Runnable r = task.onDone;
        task.onDone = null;
        if (r != null) {
            r.run();
        }
        endDraining();
    }

    /** Leaves the registry once a dropped session has nothing left running (see {@link #draining}). */
    private void endDraining() {
        if (draining && tasks.isEmpty() && predecessorGone.isDone()) {
            draining = false;
            nexusLost();
        }
    }

    /**
     * Set when the connection closed while commands were still running in the engine (or
     * while the session it reinstated was still ending): the session stays registered until
     * the last of them has ended, so that a reset from another session, or a login
     * reinstating this one, waits for them as it would on a live session (a write still
     * running must not land after the new session's writes). Event loop only.
     */
    private boolean draining;

    /**
     * The I_T nexus is gone: the session leaves the registry and, unless a reinstating login
     * has taken its place (that login drops the nexus's state itself, once this session's
     * commands have ended), its LUs drop the nexus's state.
     */
    private void nexusLost() {
        boolean replaced = sessionKey == null || !sessions.unregister(sessionKey, this);
        if (nexus != null && target != null && !replaced) {
            target.port().nexusGone(nexus);
        }
    }

    // ------------------------------------------------------------------ other requests

    private void onNopOut(NopOutPdu nop) {
        try {
            if (nop.itt() == Pdu.NO_TAG) {
                return; // an answer to our ping
            }
            ByteBuf ping = nop.pingData();
            Pdu in = NopIn.builder().itt(nop.itt()).targetTransferTag(Pdu.NO_TAG).lun(nop.lun())
                    .pingData(ping == null ? Unpooled.EMPTY_BUFFER : ping.retainedSlice())
                    .sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build();
            ctx.writeAndFlush(in);
        } finally {
            window.completed();
        }
    }

    private void keepAlive() {
        long idle = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastHeard);
        if (idle >= NOP_TIMEOUT_SECONDS + NOP_INTERVAL_SECONDS) {
            LOG.info("closing " + ctx.channel().remoteAddress() + ": no answer to NOP-In for " + idle + " s");
            ctx.close();
        } else if (idle >= NOP_INTERVAL_SECONDS) {
            pingTtt = (pingTtt + 1) & 0x7fffffff;
            ctx.writeAndFlush(NopIn.builder().itt(Pdu.NO_TAG).targetTransferTag(pingTtt).lun(0)
                    .pingData(Unpooled.EMPTY_BUFFER).sequence(statSN, window.expCmdSN(), window.maxCmdSN()).build());
        }
    }

    private void onText(TextRequestPdu req) {
        try {
            if (req.targetTransferTag() != Pdu.NO_TAG && textOutPending != null && req.targetTransferTag() == textTtt) {
                sendTextChunk(req);
                return;
            }
            TextAccumulator.Status s = textIn.append(req.text(), req.continues());
            if (s == TextAccumulator.Status.INCOMPLETE) {
                textTtt = nextTextTtt();
                ctx.writeAndFlush(TextResponse.builder().itt(req.itt()).targetTransferTag(textTtt).finalFlag(false)
                        .text(new byte[0]).sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build());
                return;
            }
            if (s == TextAccumulator.Status.TOO_LONG) {
                textIn.reset();
                reject(req.pdu(), RejectReason.PROTOCOL_ERROR);
                return;
            }
            TextParameters keys;
            try {
                keys = TextParameters.decode(textIn.take());
            } catch (TextFormatException e) {
                reject(req.pdu(), RejectReason.PROTOCOL_ERROR);
                return;
            }
            textOutPending = answerText(keys);
            textOutOffset = 0;
            sendTextChunk(req);
        } finally {
            window.completed();
        }
    }

    private byte[] answerText(TextParameters keys) {
        TextParameters.Builder out = TextParameters.builder();
        for (TextParameters.KeyValue kv : keys.entries()) {
            if (kv.key().equals("SendTargets")) {
                String v = kv.value();
                String only = v.equals("All") ? null : (v.isEmpty() ? params.targetName() : v);
                if (params.sessionType() == SessionType.NORMAL && v.equals("All")) {
                    only = params.targetName(); // RFC 7143 §13.? : All only in discovery sessions
                }
                for (String[] pair : registry.sendTargets(params.initiatorName(), only)) {
                    out.add(pair[0], pair[1]);
                }
            } else {
                out.add(kv.key(), "NotUnderstood");
            }
        }
        return out.build().encode();
    }

    private void sendTextChunk(TextRequestPdu req) {
        int max = params.initiatorMaxRecvDataSegmentLength();
        int len = Math.min(max, textOutPending.length - textOutOffset);
        byte[] chunk = new byte[len];
        System.arraycopy(textOutPending, textOutOffset, chunk, 0, len);
        textOutOffset += len;
        boolean last = textOutOffset >= textOutPending.length;
        int ttt = Pdu.NO_TAG;
        if (!last) {
            textTtt = nextTextTtt();
            ttt = textTtt;
        } else {
            textOutPending = null;
        }
        ctx.writeAndFlush(TextResponse.builder().itt(req.itt()).targetTransferTag(ttt).finalFlag(last).continues(!last)
                .text(chunk).sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build());
    }

    private int nextTextTtt() {
        int t = nextTtt++;
        return t == Pdu.NO_TAG ? nextTtt++ : t;
    }

    private void onLogout(LogoutRequestPdu req) {
        int response = req.reasonCode() == LogoutRequestPdu.REMOVE_CONNECTION_FOR_RECOVERY
                ? LogoutResponse.RECOVERY_NOT_SUPPORTED : LogoutResponse.CLOSED;
        Pdu out = LogoutResponse.builder().itt(req.itt()).response(response).time2Wait(0).time2Retain(0)
                .sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build();
        window.completed();
        if (response != LogoutResponse.CLOSED) {
            ctx.writeAndFlush(out);
            return;
        }
        phase = Phase.LOGGED_OUT;
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private void onTaskMgmt(TaskMgmtRequestPdu req) {
        int function = req.function();
        long lun = decodeLun(req.lun());
        List<Task> affected = new ArrayList<>();
        CompletableFuture<Void> othersDone = null;
        Runnable reset = null;
        int response = TaskMgmtResponse.FUNCTION_COMPLETE;
        switch (function) {
            case 1 -> { // ABORT TASK
                Task t = tasks.get(req.referencedTaskTag());
                if (t != null && t.lun == lun) {
                    affected.add(t);
                } else {
                    // Already answered (or never seen): the initiator has, or will get, its
                    // response; saying "function complete" would contradict it.
                    response = TaskMgmtResponse.TASK_DOES_NOT_EXIST;
                }
            }
            case 2, 3 -> { // ABORT TASK SET, CLEAR TASK SET
                if (!target.port().lunExists(lun)) {
                    response = TaskMgmtResponse.LUN_DOES_NOT_EXIST;
                } else {
                    affected = tasksOn(lun);
                }
            }
            case 5 -> { // LOGICAL UNIT RESET
                if (!target.port().lunExists(lun)) {
                    response = TaskMgmtResponse.LUN_DOES_NOT_EXIST;
                } else {
                    affected = tasksOn(lun);
                    reset = () -> target.port().resetLun(lun, nexus);
                    othersDone = abortOtherSessions(lun, false);
                }
            }
            case 6, 7 -> { // TARGET WARM RESET, TARGET COLD RESET
                affected = tasksOn(-1);
                reset = () -> target.port().resetTarget(nexus);
                // RFC 7143 §11.5.1: after a cold reset the target closes every connection.
                othersDone = abortOtherSessions(-1, function == 7);
            }
            case 4 -> response = TaskMgmtResponse.FUNCTION_NOT_SUPPORTED; // CLEAR ACA: no ACA
            case 8 -> response = TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED; // ERL 0
            default -> response = TaskMgmtResponse.FUNCTION_REJECTED;
        }
        int itt = req.itt();
        boolean cold = function == 7;
        int finalResponse = response;
        Runnable resetFirst = reset;
        Runnable answer = () -> {
            if (resetFirst != null) {
                // Only now, with every aborted command ended: a command that was still running
                // would otherwise take the reset's unit attention and, being aborted, drop it.
                try {
                    resetFirst.run();
                } catch (RuntimeException e) { // the answer still goes out
                    LOG.log(Level.WARNING, "reset failed", e);
                }
            }
            window.completed();
            ChannelFutureListener after = cold ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE;
            ctx.writeAndFlush(TaskMgmtResponse.builder().itt(itt).response(finalResponse)
                    .sequence(statSN++, window.expCmdSN(), window.maxCmdSN()).build()).addListener(after);
        };
        if (othersDone == null) {
            abortAll(affected, answer);
        } else {
            CompletableFuture<Void> others = othersDone;
            abortAll(affected, () -> others.whenComplete((v, e) -> ctx.executor().execute(answer)));
        }
    }

    /**
     * A reset aborts the commands of every session on the LU (SAM-5 §6.3), not only the
     * issuer's: asks every other session of this target to abort its commands on {@code lun}
     * (every LU when negative). Completes once all of theirs that were executing have ended.
     */
    private CompletableFuture<Void> abortOtherSessions(long lun, boolean close) {
        List<IscsiConnection> others = sessions.others(target.name(), this);
        CompletableFuture<?>[] done = new CompletableFuture<?>[others.size()];
        for (int i = 0; i < done.length; i++) {
            done[i] = others.get(i).abortForReset(lun, close);
        }
        return CompletableFuture.allOf(done);
    }

    /**
     * For a reset another session issued: aborts this session's commands on {@code lun} (every
     * LU when negative) without answering them (the control mode page's TAS is 0; the reset's
     * unit attention tells the initiator), then closes the connection if {@code close}.
     * Completes once the executing ones have ended, also when the connection has already
     * closed (its commands may still be running). Any thread.
     */
    CompletableFuture<Void> abortForReset(long lun, boolean close) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            ctx.executor().execute(() -> {
                if (close) {
                    // Nothing more is taken: a command arriving now would run after the
                    // reset's answer, or beside the session that reinstates this one.
                    phase = Phase.LOGGED_OUT;
                }
                CompletableFuture<Void> before = predecessorGone;
                abortAll(tasksOn(lun), () -> before.whenComplete((v, e) -> {
                    done.complete(null);
                    if (close) {
                        ctx.close();
                    }
                }));
            });
        } catch (RejectedExecutionException e) { // its event loop has stopped
            done.complete(null);
        }
        return done;
    }

    /** This session's incomplete commands on {@code lun}, or on every LU when negative. */
    private List<Task> tasksOn(long lun) {
        List<Task> on = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (lun < 0 || t.lun == lun) {
                on.add(t);
            }
        }
        return on;
    }

    /** Aborts tasks; {@code then} runs when every executing one has ended (SAM-5 §7.x). */
    private void abortAll(List<Task> affected, Runnable then) {
        // A latch: one count for this loop, one per executing task. A waiting command that
        // leaves can start another (not aborted) command, and a failed hand-off of that one
        // can end an affected task inside this loop; the answer still goes out once, last.
        int[] waiting = {1};
        for (Task t : affected) {
            t.aborted = true; // before any leaves: none of them may start now
        }
        for (Task t : affected) {
            if (t.state == Task.State.COLLECTING || t.state == Task.State.WAITING) {
                if (t.write && t.state == Task.State.COLLECTING) {
                    abortedCollecting.put(t.itt, Boolean.TRUE);
                }
                t.releaseData();
                t.state = Task.State.DONE;
                tasks.remove(t.itt, t);
                window.completed();
                taskSet.leave(t, start);
            } else if (t.state == Task.State.EXECUTING) {
                waiting[0]++;
                Runnable prev = t.onDone;
                t.onDone = () -> {
                    if (prev != null) {
                        prev.run();
                    }
                    if (--waiting[0] == 0) {
                        then.run();
                    }
                };
            }
        }
        if (--waiting[0] == 0) {
            then.run();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void reject(Pdu pdu, RejectReason reason) {
        sendCounted(Reject.builder().reason(reason).rejectedHeader(pdu.bhs()).build());
    }

    private void sendCounted(Pdu pdu) {
        int exp = window == null ? 0 : window.expCmdSN();
        int max = window == null ? 0 : window.maxCmdSN();
        ctx.writeAndFlush(pdu.withSequence(statSN++, exp, max));
        pdu.release();
    }

    /** LUN field (SAM-5 §4.7): flat space (01b) or peripheral device (00b) addressing. */
    static long decodeLun(long field) {
        int method = (int) (field >>> 62);
        long first = (field >>> 48) & 0xffff;
        return method == 1 ? first & 0x3fff : (first >>> 8 == 0 ? first & 0xff : first & 0x3fff);
    }

    static long encodeLun(long lun) {
        return lun < 256 ? lun << 48 : ((0x4000L | lun) << 48);
    }

    private static int be32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (nopTimer != null) {
            nopTimer.cancel(false);
        }
        for (Pdu held : window == null ? List.<Pdu>of() : window.drainHeld()) {
            held.release();
        }
        taskSet.clear(); // nothing starts any more
        for (Task t : List.copyOf(tasks.values())) {
            t.aborted = true;
            if (t.state == Task.State.COLLECTING || t.state == Task.State.WAITING) {
                t.releaseData();
                tasks.remove(t.itt);
            }
        }
        // What is left is executing in the engine; aborted, it gets no answer when it ends.
        // A session replaced by reinstatement must not drop the state its successor, the same
        // I_T nexus, has built since.
        draining = true;
        endDraining(); // at once when nothing is left; else as the last one ends (see runDone)
        if (draining) {
            predecessorGone.whenComplete((v, e) -> ctx.executor().execute(this::endDraining));
        }
        if (nexus != null && target != null) {
            registry.observer().sessionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection error, closing", cause);
        ctx.close();
    }
}

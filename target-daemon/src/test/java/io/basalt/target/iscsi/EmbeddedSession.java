package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.login.TextParameters;
import io.basalt.target.pdu.PduDecoder;
import io.basalt.target.pdu.PduEncoder;
import io.basalt.target.pdu.Wire;
import io.basalt.target.scsi.EngineBlockDevice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One logged-in session of a real {@link IscsiConnection} on an {@link EmbeddedChannel}, over
 * a real engine with two 1 MiB volumes of 512-byte blocks as LUNs 1 and 2. The test supplies the
 * worker executor, so it decides when handed-off commands run. PDUs go in as raw bytes and
 * come out as raw bytes.
 */
final class EmbeddedSession implements AutoCloseable {
    static final String IQN = "iqn.2026-11.io.basalt:embedded";

    /** The engine, when this session opened it (the first of a target's sessions). */
    private final BlockEngine engine;
    private final TargetRegistry registry;
    private final SessionRegistry sessions;
    final EmbeddedChannel channel;
    /** Every buffer given to the channel, to check that all were released. */
    final List<ByteBuf> inputs = new ArrayList<>();
    /** The ExpCmdSN of the login response: the first command's CmdSN. */
    final int firstCmdSN;
    /** MaxCmdSN - ExpCmdSN at login: the window with nothing in flight. */
    final int idleWindow;
    private int cmdSN;

    EmbeddedSession(Path dir, Executor workers) throws IOException {
        this(BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20)), null, null,
                workers, 0x400000000001L, ch -> { });
    }

    private EmbeddedSession(BlockEngine engine, TargetRegistry registry, SessionRegistry sessions, Executor workers,
            long isid, Consumer<EmbeddedChannel> beforeLoginResponse) {
        this.engine = registry == null ? engine : null;
        if (registry == null) {
            IscsiTarget t = new IscsiTarget(IQN);
            for (int lun = 1; lun <= 2; lun++) {
                Volume v = engine.createVolume(new VolumeSpec("embedded" + lun, 1 << 20, false));
                t.addLun(lun, new EngineBlockDevice(v, 512));
            }
            registry = new TargetRegistry();
            registry.put(new TargetRegistry.Target(IQN, t, true, Set.of(), Map.of()));
            sessions = new SessionRegistry();
        }
        this.registry = registry;
        this.sessions = sessions;
        channel = loginRequested(registry, sessions, workers, isid, inputs);
        beforeLoginResponse.accept(channel);
        channel.runPendingTasks();
        byte[] login = read();
        assertEquals(0x23, login[0] & 0x3f, "a Login Response");
        assertEquals(0, Wire.u16(login, 36), "login succeeded");
        firstCmdSN = Wire.get32(login, 28);
        idleWindow = Wire.get32(login, 32) - firstCmdSN;
        cmdSN = firstCmdSN;
    }

    /** A channel that has sent a leading login request to the target and read nothing yet. */
    private static EmbeddedChannel loginRequested(TargetRegistry registry, SessionRegistry sessions, Executor workers,
            long isid, List<ByteBuf> inputs) {
        EmbeddedChannel ch = new EmbeddedChannel(PduDecoder.forTarget(), new PduEncoder(),
                new IscsiConnection(registry, sessions, LoginSettings.defaults(), workers));
        byte[] text = TextParameters.of("InitiatorName", "iqn.2026-11.test:init", "TargetName", IQN,
                "SessionType", "Normal", "ImmediateData", "Yes", "InitialR2T", "No").encode();
        ByteBuf in = Wire.buf(Wire.frame(Wire.loginBhs(true, false, 1, 3, isid, 1), text));
        inputs.add(in);
        ch.writeInbound(in);
        return ch;
    }

    /**
     * Starts a login with {@code isid} to the same target on a new channel and returns it,
     * answered or not (a reinstating login waits for the old session); the caller closes it.
     */
    EmbeddedChannel startLogin(Executor workers, long isid) {
        return loginRequested(registry, sessions, workers, isid, new ArrayList<>());
    }

    /** Sessions of the target's portal that are registered: live, or dropped and still ending. */
    int registeredSessions() {
        return sessions.size();
    }

    /** Sets the target registry's I/O observer (metrics). */
    void observe(IoObserver o) {
        registry.setObserver(o);
    }

    /** Another session (another ISID) to the same target, on its own channel. */
    EmbeddedSession another(Executor workers, long isid) {
        return another(workers, isid, ch -> { });
    }

    /**
     * Another session to the same target; {@code beforeLoginResponse} gets the new channel
     * between the login request and reading its answer (a reinstating login waits for the old
     * session's commands).
     */
    EmbeddedSession another(Executor workers, long isid, Consumer<EmbeddedChannel> beforeLoginResponse) {
        return new EmbeddedSession(null, registry, sessions, workers, isid, beforeLoginResponse);
    }

    void send(byte[] pdu) {
        ByteBuf in = Wire.buf(pdu);
        inputs.add(in);
        channel.writeInbound(in);
    }

    /**
     * Sends TEST UNIT READY to LUNs 1 and 2, running hand-offs held in {@code held}, and checks
     * each reports the power-on unit attention: afterwards commands see none.
     */
    void clearUnitAttentions(List<Runnable> held) {
        for (byte[] tur : List.of(Wire.scsiCommandBhs(98, false, false, 0, cmdSN++, new byte[6]),
                onLun2(Wire.scsiCommandBhs(99, false, false, 0, cmdSN++, new byte[6])))) {
            send(tur);
            channel.runPendingTasks();
            while (!held.isEmpty()) {
                held.remove(0).run();
            }
            channel.runPendingTasks();
            byte[] r = read();
            assertEquals(0x21, r[0] & 0x3f, "a SCSI Response");
            assertEquals(0x02, Wire.u8(r, 3), "CHECK CONDITION: the power-on unit attention");
        }
    }

    /** The CmdSN for the next command. */
    int nextCmdSN() {
        return cmdSN++;
    }

    /** A task management request (RFC 7143 §11.5) for {@code lun}, immediate, framed. */
    byte[] taskMgmt(int itt, int function, int lun, int referenced) {
        return Wire.taskMgmtRequest(itt, function, lun, referenced, cmdSN);
    }

    /** {@code response} is a SCSI Response with CHECK CONDITION and fixed-format sense key/ASC/ASCQ. */
    static void assertSense(byte[] response, int key, int asc, int ascq) {
        assertEquals(0x02, Wire.u8(response, 3), "CHECK CONDITION");
        byte[] sense = Arrays.copyOfRange(response, 48 + 2, 48 + 2 + Wire.u16(response, 48));
        assertEquals(key, sense[2] & 0x0f, "sense key");
        assertEquals(asc, sense[12] & 0xff, "ASC");
        assertEquals(ascq, sense[13] & 0xff, "ASCQ");
    }

    /** The next PDU is a SCSI Response for {@code itt} with {@code status}; returns it. */
    byte[] assertResponse(int itt, int status) {
        byte[] r = read();
        assertEquals(0x21, r[0] & 0x3f, "a SCSI Response for task " + itt);
        assertEquals(itt, Wire.get32(r, 16));
        assertEquals(status, Wire.u8(r, 3));
        return r;
    }

    /** The next PDU is a Task Management Function Response for {@code itt}; returns it. */
    byte[] assertTaskMgmtResponse(int itt, int response) {
        byte[] r = read();
        assertEquals(0x22, r[0] & 0x3f, "a Task Management Function Response");
        assertEquals(itt, Wire.get32(r, 16));
        assertEquals(response, Wire.u8(r, 2));
        return r;
    }

    /** Every command has left the CmdSN window: MaxCmdSN - ExpCmdSN is back to its login value. */
    void assertIdleWindow(byte[] pdu) {
        assertEquals(idleWindow, Wire.get32(pdu, 32) - Wire.get32(pdu, 28), "the CmdSN window");
    }

    void assertAllReleased() {
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every received buffer was released");
        }
    }

    static byte[] onLun2(byte[] bhs) {
        Wire.put64(bhs, 8, 0x0002000000000000L);
        return bhs;
    }

    /** The next PDU the target sent; fails if there is none. */
    byte[] read() {
        byte[] pdu = poll();
        if (pdu == null) {
            throw new AssertionError("no PDU was sent");
        }
        return pdu;
    }

    /** The next PDU the target sent, or null. */
    byte[] poll() {
        ByteBuf out = channel.readOutbound();
        if (out == null) {
            return null;
        }
        byte[] bytes = Wire.bytes(out);
        out.release();
        return bytes;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        if (engine != null) {
            engine.close();
        }
    }
}

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One logged-in session of a real {@link IscsiConnection} on an {@link EmbeddedChannel}, over
 * a real engine with two 1 MiB volumes of 512-byte blocks as LUNs 1 and 2. The test supplies the
 * worker executor, so it decides when handed-off commands run. PDUs go in as raw bytes and
 * come out as raw bytes.
 */
final class EmbeddedSession implements AutoCloseable {
    static final String IQN = "iqn.2026-11.io.basalt:embedded";

    private final BlockEngine engine;
    final EmbeddedChannel channel;
    /** Every buffer given to the channel, to check that all were released. */
    final List<ByteBuf> inputs = new ArrayList<>();
    /** The ExpCmdSN of the login response: the first command's CmdSN. */
    final int firstCmdSN;
    /** MaxCmdSN - ExpCmdSN at login: the window with nothing in flight. */
    final int idleWindow;

    EmbeddedSession(Path dir, Executor workers) throws IOException {
        engine = BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20));
        IscsiTarget t = new IscsiTarget(IQN);
        for (int lun = 1; lun <= 2; lun++) {
            Volume v = engine.createVolume(new VolumeSpec("embedded" + lun, 1 << 20, false));
            t.addLun(lun, new EngineBlockDevice(v, 512));
        }
        TargetRegistry registry = new TargetRegistry();
        registry.put(new TargetRegistry.Target(IQN, t, true, Set.of(), Map.of()));
        channel = new EmbeddedChannel(PduDecoder.forTarget(), new PduEncoder(),
                new IscsiConnection(registry, new SessionRegistry(), LoginSettings.defaults(), workers));
        byte[] text = TextParameters.of("InitiatorName", "iqn.2026-11.test:init", "TargetName", IQN,
                "SessionType", "Normal", "ImmediateData", "Yes", "InitialR2T", "No").encode();
        send(Wire.frame(Wire.loginBhs(true, false, 1, 3, 0x400000000001L, 1), text));
        byte[] login = read();
        assertEquals(0x23, login[0] & 0x3f, "a Login Response");
        assertEquals(0, Wire.u16(login, 36), "login succeeded");
        firstCmdSN = Wire.get32(login, 28);
        idleWindow = Wire.get32(login, 32) - firstCmdSN;
    }

    void send(byte[] pdu) {
        ByteBuf in = Wire.buf(pdu);
        inputs.add(in);
        channel.writeInbound(in);
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
        engine.close();
    }
}

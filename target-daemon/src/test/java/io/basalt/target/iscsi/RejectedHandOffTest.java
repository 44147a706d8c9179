package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that is stopping refuses new work: every command the connection then hands to a
 * worker, batched 4 KiB writes and a write that goes alone alike, ends with a SCSI Response
 * (TARGET FAILURE) and its data is released, over a real engine.
 */
class RejectedHandOffTest {
    private static final String IQN = "iqn.2026-11.io.basalt:stopping";

    @TempDir
    Path dir;
    private BlockEngine engine;
    private final TargetRegistry registry = new TargetRegistry();

    @BeforeEach
    void open() throws java.io.IOException {
        engine = BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20));
        Volume v = engine.createVolume(new VolumeSpec("stopping", 1 << 20, false));
        IscsiTarget t = new IscsiTarget(IQN);
        t.addLun(1, new EngineBlockDevice(v, 512));
        registry.put(new TargetRegistry.Target(IQN, t, true, Set.of(), Map.of()));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void commandsAWorkerWouldRunEndWithTargetFailure() {
        List<Runnable> offered = new ArrayList<>();
        Executor stopping = r -> {
            offered.add(r);
            throw new RejectedExecutionException("stopping");
        };
        EmbeddedChannel ch = new EmbeddedChannel(PduDecoder.forTarget(), new PduEncoder(),
                new IscsiConnection(registry, new SessionRegistry(), LoginSettings.defaults(), stopping));
        List<ByteBuf> inputs = new ArrayList<>();

        byte[] text = TextParameters.of("InitiatorName", "iqn.2026-11.test:init", "TargetName", IQN,
                "SessionType", "Normal", "ImmediateData", "Yes", "InitialR2T", "No").encode();
        send(ch, inputs, Wire.frame(Wire.loginBhs(true, false, 1, 3, 0x400000000001L, 1), text));
        byte[] login = read(ch);
        assertEquals(0x23, login[0] & 0x3f, "a Login Response");
        assertEquals(0, Wire.u16(login, 36), "login succeeded");
        int cmdSN = Wire.get32(login, 28); // ExpCmdSN

        // WRITE(10) of one 4 KiB block: batched; WRITE(10) of one 512-byte sector: handed alone.
        byte[] whole = {0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0};
        byte[] sector = {0x2a, 0, 0, 0, 0, 64, 0, 0, 1, 0};
        send(ch, inputs, Wire.frame(Wire.scsiCommandBhs(10, false, true, 4096, cmdSN, whole), new byte[4096]));
        send(ch, inputs, Wire.frame(Wire.scsiCommandBhs(11, false, true, 512, cmdSN + 1, sector), new byte[512]));
        ch.runPendingTasks();

        assertEquals(2, offered.size(), "both hand-offs were offered to the workers");
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] response = read(ch);
            assertEquals(0x21, response[0] & 0x3f, "a SCSI Response");
            assertEquals(0x01, Wire.u8(response, 2), "TARGET FAILURE");
            failed.add(Wire.get32(response, 16));
        }
        assertTrue(failed.containsAll(List.of(10, 11)), "both commands answered: " + failed);
        assertFalse(ch.finish(), "nothing else was sent");
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every received buffer was released");
        }
    }

    private static void send(EmbeddedChannel ch, List<ByteBuf> inputs, byte[] pdu) {
        ByteBuf in = Wire.buf(pdu);
        inputs.add(in);
        ch.writeInbound(in);
    }

    private static byte[] read(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        if (out == null) {
            throw new AssertionError("no PDU was sent");
        }
        byte[] bytes = Wire.bytes(out);
        out.release();
        return bytes;
    }
}

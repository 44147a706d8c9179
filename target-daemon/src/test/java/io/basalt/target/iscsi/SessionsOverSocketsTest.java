package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.pdu.Wire;
import io.basalt.target.scsi.EngineBlockDevice;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions reaching each other across event loops, over real sockets on 127.0.0.1: the portal
 * has two I/O threads, so two connections are served by different event loops. A LUN reset
 * from one session is reported to the other; a reinstating login closes the old connection
 * and the new session starts with a fresh nexus.
 */
class SessionsOverSocketsTest {
    private static final String IQN = "iqn.2026-11.io.basalt:sockets";
    private static final byte[] TEST_UNIT_READY = new byte[6];

    @TempDir
    Path dir;
    private BlockEngine engine;
    private IscsiServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        engine = BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20));
        Volume v = engine.createVolume(new VolumeSpec("sockets", 1 << 20, false));
        IscsiTarget t = new IscsiTarget(IQN);
        t.addLun(1, new EngineBlockDevice(v, 512));
        TargetRegistry registry = new TargetRegistry();
        registry.put(new TargetRegistry.Target(IQN, t, true, Set.of(), Map.of()));
        server = new IscsiServer(registry, LoginSettings.defaults(), 2, 4);
        address = server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    @Test
    void aLunResetIsReportedToTheOtherSession() throws IOException {
        try (Session a = new Session(0x400000000001L); Session b = new Session(0x400000000002L)) {
            a.expectUnitAttention(1, 0x29, 0x00); // power on
            b.expectUnitAttention(1, 0x29, 0x00);
            a.send(Wire.taskMgmtRequest(2, 5, 1, 0xffffffff, a.cmdSN));
            byte[] r = a.read();
            assertEquals(0x22, r[0] & 0x3f, "a Task Management Function Response");
            assertEquals(0, Wire.u8(r, 2), "FUNCTION COMPLETE");
            b.expectUnitAttention(2, 0x29, 0x03); // BUS DEVICE RESET FUNCTION OCCURRED
            a.expectUnitAttention(3, 0x29, 0x03); // the issuer's nexus too
        }
    }

    @Test
    void aReinstatingLoginClosesTheOldConnection() throws IOException {
        try (Session a = new Session(0x400000000001L)) {
            a.expectUnitAttention(1, 0x29, 0x00);
            try (Session again = new Session(0x400000000001L)) { // the same ISID: reinstatement
                assertThrows(EOFException.class, a::read, "the old connection is closed");
                again.expectUnitAttention(1, 0x29, 0x00); // the nexus starts afresh
                again.send(Wire.scsiCommandBhs(2, false, false, 0, again.cmdSN++, TEST_UNIT_READY));
                assertEquals(0, Wire.u8(again.read(), 3), "then GOOD");
            }
        }
    }

    /** A logged-in session on its own socket. */
    private final class Session extends SocketSession {
        Session(long isid) throws IOException {
            super(address, IQN, "iqn.2026-11.test:sockets", isid);
        }

        /** TEST UNIT READY on LUN 1 ends with CHECK CONDITION, UNIT ATTENTION asc/ascq. */
        void expectUnitAttention(int itt, int asc, int ascq) throws IOException {
            send(Wire.scsiCommandBhs(itt, false, false, 0, cmdSN++, TEST_UNIT_READY));
            byte[] r = read();
            assertEquals(0x21, r[0] & 0x3f, "a SCSI Response");
            assertEquals(itt, Wire.get32(r, 16));
            EmbeddedSession.assertSense(r, 0x06, asc, ascq); // UNIT ATTENTION
        }
    }
}

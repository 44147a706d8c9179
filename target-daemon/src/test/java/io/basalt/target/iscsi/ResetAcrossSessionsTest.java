package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.basalt.target.pdu.Wire;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LOGICAL UNIT RESET or TARGET RESET from one session aborts the other sessions' commands on
 * the LU too (SAM-5 §6.3), without answering them (TAS=0): their initiator learns of it from
 * the unit attention. The issuer's answer waits until the other sessions' running commands
 * have ended. Two sessions of one target on embedded channels over a real engine; each
 * session's worker hand-offs are held by the test.
 */
class ResetAcrossSessionsTest {
    private static final byte[] SECTOR_WRITE = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};

    @TempDir
    Path dir;
    private final List<Runnable> heldA = new ArrayList<>();
    private final List<Runnable> heldB = new ArrayList<>();
    private EmbeddedSession a;
    private EmbeddedSession b;

    @BeforeEach
    void open() throws IOException {
        a = new EmbeddedSession(dir, heldA::add);
        b = a.another(heldB::add, 0x400000000002L);
        a.clearUnitAttentions(heldA);
        b.clearUnitAttentions(heldB);
    }

    @AfterEach
    void close() {
        b.close();
        a.close();
    }

    @Test
    void aLunResetAbortsTheOtherSessionsCommandsOnThatLu() {
        write(b, 1, 1, 1); // LUN 1, simple: running
        write(b, 2, 1, 2); // LUN 1, ordered: waiting for write 1
        write(b, 3, 2, 1); // LUN 2: running
        assertEquals(2, heldB.size());

        a.send(a.taskMgmt(10, 5, 1, 0xffffffff)); // LOGICAL UNIT RESET, LUN 1
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        assertNull(a.poll(), "the answer waits for session B's running write on LUN 1");

        heldB.remove(0).run(); // write 1, aborted while queued for a worker, ends without running
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0); // FUNCTION COMPLETE
        assertNull(b.poll(), "B's aborted commands get no answer");
        assertEquals(1, heldB.size(), "write 2 never started");

        heldB.remove(0).run(); // the write to LUN 2 was not affected
        b.channel.runPendingTasks();
        b.assertResponse(3, 0);

        // B's next command on LUN 1 reports the reset: BUS DEVICE RESET FUNCTION OCCURRED.
        b.send(Wire.scsiCommandBhs(4, false, false, 0, b.nextCmdSN(), new byte[6]));
        b.channel.runPendingTasks();
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        byte[] r = b.assertResponse(4, 0x02);
        assertEquals(0x06, r[48 + 2 + 2] & 0x0f, "UNIT ATTENTION");
        assertEquals(0x29, r[48 + 2 + 12] & 0xff);
        assertEquals(0x03, r[48 + 2 + 13] & 0xff);
        b.assertIdleWindow(r);
        b.assertAllReleased();
        a.assertAllReleased();
    }

    @Test
    void aTargetResetAbortsTheOtherSessionsCommandsOnEveryLu() {
        write(b, 1, 1, 1);
        write(b, 2, 2, 1);
        assertEquals(2, heldB.size());
        a.send(a.taskMgmt(10, 6, 0, 0xffffffff)); // TARGET WARM RESET
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        assertNull(a.poll());
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        assertNull(a.poll(), "one of B's writes still runs");
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "B's aborted commands get no answer");
    }

    @Test
    void whenTheOtherSessionIsIdleTheResetIsAnsweredAtOnce() {
        a.send(a.taskMgmt(10, 5, 1, 0xffffffff));
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "B had nothing to abort");
    }

    private static void write(EmbeddedSession s, int itt, int lun, int attribute) {
        byte[] bhs = Wire.scsiCommandBhs(itt, false, true, 512, s.nextCmdSN(), SECTOR_WRITE, attribute);
        if (lun == 2) {
            EmbeddedSession.onLun2(bhs);
        }
        s.send(Wire.frame(bhs, new byte[512]));
        s.channel.runPendingTasks();
    }
}

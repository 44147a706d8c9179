package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.target.pdu.Wire;
import io.netty.channel.embedded.EmbeddedChannel;
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
    private static final long B_ISID = 0x400000000002L;

    @TempDir
    Path dir;
    private final List<Runnable> heldA = new ArrayList<>();
    private final List<Runnable> heldB = new ArrayList<>();
    private EmbeddedSession a;
    private EmbeddedSession b;

    @BeforeEach
    void open() throws IOException {
        a = new EmbeddedSession(dir, heldA::add);
        b = a.another(heldB::add, B_ISID);
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

        b.assertIdleWindow(assertResetReported(b, heldB, 4, 1));
        b.assertAllReleased();
        a.assertAllReleased();
    }

    @Test
    void aCommandRunningWhenTheResetArrivesDoesNotSwallowItsUnitAttention() {
        write(b, 1, 1, 1); // queued for a worker
        a.send(a.taskMgmt(10, 5, 1, 0xffffffff));
        a.channel.runPendingTasks();
        heldB.remove(0).run(); // it runs before session B has processed the abort
        b.channel.runPendingTasks(); // now B aborts it (it was executing) and it ends unanswered
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "the aborted write gets no answer");
        assertResetReported(b, heldB, 2, 1);
        assertResetReported(a, heldA, 20, 1); // the issuer's nexus too
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
        assertNull(a.poll(), "B's other write is still running");
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "B's aborted commands get no answer");
        assertResetReported(b, heldB, 3, 1);
        b.assertIdleWindow(assertResetReported(b, heldB, 4, 2));
        b.assertAllReleased();
    }

    @Test
    void whenTheOtherSessionIsIdleTheResetIsAnsweredAtOnce() {
        a.send(a.taskMgmt(10, 5, 1, 0xffffffff));
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "B had nothing to abort");
        assertResetReported(b, heldB, 1, 1);
    }

    @Test
    void aColdResetClosesEverySessionOfTheTarget() {
        write(b, 1, 1, 1);
        a.send(a.taskMgmt(10, 7, 0, 0xffffffff)); // TARGET COLD RESET
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        assertTrue(b.channel.isActive(), "B stays open while its write runs");
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertFalse(a.channel.isActive(), "the issuer's connection is closed after the answer");
        assertFalse(b.channel.isActive(), "so is every other session's (RFC 7143 §11.5.1)");
        b.assertAllReleased();
    }

    @Test
    void aReinstatingLoginWaitsForTheOldSessionsCommandsWhichDoNotRun() throws Exception {
        // Session A has a RESERVE(6) queued for a worker when a login with A's ISID arrives.
        a.send(Wire.scsiCommandBhs(1, false, false, 0, a.nextCmdSN(), new byte[] {0x16, 0, 0, 0, 0, 0}));
        a.channel.runPendingTasks();
        assertEquals(1, heldA.size());
        List<Runnable> heldN = new ArrayList<>();
        try (EmbeddedSession n = a.another(heldN::add, 0x400000000001L, ch -> {
            a.channel.runPendingTasks(); // A aborts its commands; the RESERVE is still queued
            ch.runPendingTasks();
            assertNull(ch.readOutbound(), "the login is not answered while A's command is pending");
            assertTrue(a.channel.isActive(), "A closes once its queued command has ended");
            heldA.remove(0).run(); // the aborted RESERVE does not run
            a.channel.runPendingTasks();
            assertFalse(a.channel.isActive());
        })) {
            assertNull(a.poll(), "the aborted RESERVE got no answer");
            write(b, 5, 1, 1);
            heldB.remove(0).run();
            b.channel.runPendingTasks();
            b.assertResponse(5, 0); // no reservation was left behind
            n.clearUnitAttentions(heldN); // and the new session sees its nexus as new
        }
    }

    @Test
    void aResetWaitsForTheCommandsOfASessionWhoseConnectionHasDropped() {
        dropBWithAWriteToRun();
        a.send(a.taskMgmt(10, 5, 1, 0xffffffff)); // LOGICAL UNIT RESET, LUN 1
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        assertNull(a.poll(), "the answer waits for the dropped session's write");
        assertEquals(2, a.registeredSessions(), "B is still registered while its write is pending");
        heldB.remove(0).run(); // aborted by the drop, it ends without running
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        assertNull(b.poll(), "the dropped session's write got no answer");
        assertEquals(1, a.registeredSessions(), "B left the registry once its write had ended");
        b.assertAllReleased();
    }

    @Test
    void aDroppedSessionKeepsItsReservationUntilItsCommandsHaveEnded() {
        b.send(Wire.scsiCommandBhs(1, false, false, 0, b.nextCmdSN(), new byte[] {0x16, 0, 0, 0, 0, 0}));
        b.channel.runPendingTasks();
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        b.assertResponse(1, 0); // RESERVE(6) by session B
        write(b, 2, 1, 1); // handed to a worker
        b.channel.close();
        b.channel.runPendingTasks();
        write(a, 3, 1, 1);
        heldA.remove(0).run();
        a.channel.runPendingTasks();
        a.assertResponse(3, 0x18); // RESERVATION CONFLICT: B's nexus is not gone while its write may run
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        write(a, 4, 1, 1);
        heldA.remove(0).run();
        a.channel.runPendingTasks();
        a.assertResponse(4, 0); // released with the nexus (SPC-2 §5.5.1)
        assertEquals(1, a.registeredSessions());
    }

    @Test
    void aLoginReinstatingADroppedSessionWaitsForItsCommands() throws Exception {
        dropBWithAWriteToRun();
        List<Runnable> heldN = new ArrayList<>();
        try (EmbeddedSession n = b.another(heldN::add, B_ISID, ch -> {
            b.channel.runPendingTasks();
            ch.runPendingTasks();
            assertNull(ch.readOutbound(), "the login is not answered while B's write is pending");
            heldB.remove(0).run(); // it does not run: a write of the old session must not land now
            b.channel.runPendingTasks();
        })) {
            n.clearUnitAttentions(heldN); // the new session sees its nexus as new
            write(n, 2, 1, 1);
            heldN.remove(0).run();
            n.channel.runPendingTasks();
            n.assertResponse(2, 0);
        }
        assertNull(b.poll());
        b.assertAllReleased();
    }

    @Test
    void aRetriedReinstatingLoginStillWaitsForTheDroppedSessionsCommands() throws Exception {
        dropBWithAWriteToRun();
        List<Runnable> heldN = new ArrayList<>();
        EmbeddedChannel first = givenUpLogin(heldN); // the initiator logs in again
        try (EmbeddedSession n = b.another(heldN::add, B_ISID, ch -> {
            first.runPendingTasks();
            b.channel.runPendingTasks();
            ch.runPendingTasks();
            assertNull(ch.readOutbound(), "the second login waits for B's write too");
            heldB.remove(0).run();
            b.channel.runPendingTasks();
            first.runPendingTasks();
        })) {
            n.clearUnitAttentions(heldN);
            assertEquals(2, a.registeredSessions(), "A and the new session; B and the first login have left");
        } finally {
            first.finishAndReleaseAll();
        }
    }

    @Test
    void aGivenUpReinstatingLoginLeavesTheRegistryOnceTheDroppedSessionHasEnded() throws Exception {
        dropBWithAWriteToRun();
        List<Runnable> heldN = new ArrayList<>();
        EmbeddedChannel first = givenUpLogin(heldN);
        assertEquals(2, a.registeredSessions(), "A, and the given-up login standing for B");
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        first.runPendingTasks();
        assertEquals(1, a.registeredSessions(), "only A once B's write has ended");
        try (EmbeddedSession n = b.another(heldN::add, B_ISID)) { // answered at once
            n.clearUnitAttentions(heldN);
        } finally {
            first.finishAndReleaseAll();
        }
    }

    @Test
    void aSessionBeingReinstatedTakesNoNewCommands() throws Exception {
        write(a, 1, 1, 1); // handed to a worker
        List<Runnable> heldN = new ArrayList<>();
        try (EmbeddedSession n = a.another(heldN::add, 0x400000000001L, ch -> { // A's ISID
            a.channel.runPendingTasks(); // A aborts its write and is to close
            write(a, 2, 1, 1); // sent before the initiator learns of it
            assertEquals(1, heldA.size(), "the new write is not handed to a worker");
            heldA.remove(0).run();
            a.channel.runPendingTasks();
            ch.runPendingTasks();
        })) {
            assertFalse(a.channel.isActive());
            assertNull(a.poll(), "neither write is answered");
            assertEquals(0, heldA.size());
            n.clearUnitAttentions(heldN);
        }
        a.assertAllReleased();
    }

    @Test
    void dataOutForAWriteAbortedByAnotherSessionsResetIsDiscarded() {
        byte[] bhs = Wire.scsiCommandBhs(1, false, true, 512, b.nextCmdSN(), SECTOR_WRITE, 1); // no data
        b.send(bhs);
        b.channel.runPendingTasks();
        byte[] r2t = b.read();
        assertEquals(0x31, r2t[0] & 0x3f, "an R2T");
        a.send(a.taskMgmt(10, 5, 1, 0xffffffff));
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        a.channel.runPendingTasks();
        a.assertTaskMgmtResponse(10, 0);
        b.send(Wire.frame(Wire.dataOutBhs(1, Wire.get32(r2t, 20), 0, 0, true), new byte[512]));
        b.channel.runPendingTasks();
        assertNull(b.poll(), "the aborted write's Data-Out is dropped without a Reject");
        assertEquals(0, heldB.size(), "and nothing runs");
        b.send(Wire.frame(Wire.dataOutBhs(7, 0x1234, 0, 0, true), new byte[512]));
        b.channel.runPendingTasks();
        assertEquals(0x3f, b.read()[0] & 0x3f, "a Data-Out for a task never seen still gets a Reject");
        b.assertAllReleased();
    }

    @Test
    void reinstatementReleasesTheOldSessionsReservation() throws Exception {
        a.send(Wire.scsiCommandBhs(1, false, false, 0, a.nextCmdSN(), new byte[] {0x16, 0, 0, 0, 0, 0}));
        a.channel.runPendingTasks();
        heldA.remove(0).run();
        a.channel.runPendingTasks();
        a.assertResponse(1, 0); // RESERVE(6) by session A
        write(b, 1, 1, 1);
        heldB.remove(0).run();
        b.channel.runPendingTasks();
        b.assertResponse(1, 0x18); // RESERVATION CONFLICT
        List<Runnable> heldN = new ArrayList<>();
        // A's ISID: the nexus was lost. The login is answered once A's channel has closed.
        try (EmbeddedSession n = a.another(heldN::add, 0x400000000001L, ch -> a.channel.runPendingTasks())) {
            assertFalse(a.channel.isActive());
            write(b, 2, 1, 1);
            heldB.remove(0).run();
            b.channel.runPendingTasks();
            b.assertResponse(2, 0); // released by the reinstatement (SPC-2 §5.5.1)
        }
    }

    /**
     * {@code s}'s next command (TEST UNIT READY, run at once) on {@code lun} reports BUS DEVICE
     * RESET FUNCTION OCCURRED; returns the response.
     */
    private static byte[] assertResetReported(EmbeddedSession s, List<Runnable> held, int itt, int lun) {
        byte[] bhs = Wire.scsiCommandBhs(itt, false, false, 0, s.nextCmdSN(), new byte[6]);
        s.send(lun == 2 ? EmbeddedSession.onLun2(bhs) : bhs);
        s.channel.runPendingTasks();
        held.remove(0).run();
        s.channel.runPendingTasks();
        byte[] r = s.assertResponse(itt, 0x02);
        EmbeddedSession.assertSense(r, 0x06, 0x29, 0x03); // UNIT ATTENTION
        return r;
    }

    /** Session B's connection drops while its write (task 1, LUN 1) waits for a worker. */
    private void dropBWithAWriteToRun() {
        write(b, 1, 1, 1);
        b.channel.close();
        b.channel.runPendingTasks();
    }

    /**
     * A login with B's ISID that waits for B's write and is given up (closed) unanswered;
     * returns its channel, for the caller to release.
     */
    private EmbeddedChannel givenUpLogin(List<Runnable> held) {
        EmbeddedChannel login = b.startLogin(held::add, B_ISID);
        b.channel.runPendingTasks();
        login.runPendingTasks();
        assertNull(login.readOutbound(), "the login waits for B's write");
        login.close();
        login.runPendingTasks();
        return login;
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

package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.basalt.target.pdu.Wire;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task attributes (SAM-5 §8.6) over a real connection and engine. The test holds every command
 * handed to a worker until it runs it, so "has not started yet" is observable. A write of one
 * 512-byte sector always goes to a worker (it reads the rest of its 4 KiB block); a read of
 * one sector completes on the event loop at once when its turn has come. So a read that
 * returns the sector's old contents (zeros) ran before the write; one that returns the new
 * contents ran after it.
 */
class TaskAttributeTest {
    private static final int SIMPLE = 1;
    private static final int ORDERED = 2;
    private static final int HEAD_OF_QUEUE = 3;
    private static final int ACA = 4;
    private static final byte[] SECTOR_WRITE = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] SECTOR_READ = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};

    @TempDir
    Path dir;
    private final List<Runnable> held = new ArrayList<>();
    private EmbeddedSession s;
    private final byte[] pattern = new byte[512];

    @BeforeEach
    void open() throws IOException {
        s = new EmbeddedSession(dir, held::add);
        Arrays.fill(pattern, (byte) 0xa5);
        s.clearUnitAttentions(held);
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aSimpleReadMayOvertakeAnOlderSimpleWrite() {
        write(1, SIMPLE);
        read(2, SIMPLE);
        assertReadData(2, new byte[512]); // QUEUE ALGORITHM MODIFIER 1: reordering allowed
        runHeld(1);
        s.assertResponse(1, 0);
    }

    @Test
    void anOrderedReadWaitsForAnOlderSimpleWrite() {
        assertReadWaitsForWrite(1, SIMPLE, ORDERED, "the ordered read waits");
        assertNothingMore();
    }

    @Test
    void aSimpleReadWaitsForAnOlderOrderedWrite() {
        write(1, ORDERED);
        read(2, SIMPLE);
        read(3, SIMPLE);
        assertNull(s.poll(), "simple reads wait for the ordered write before them");
        runHeld(1);
        s.assertResponse(1, 0);
        assertReadData(2, pattern);
        assertReadData(3, pattern);
        assertNothingMore();
    }

    @Test
    void anOrderedWriteHoldsBackNewerWritesUntilItCompletes() {
        write(1, ORDERED);
        write(2, SIMPLE);
        s.channel.runPendingTasks();
        assertEquals(1, held.size(), "the simple write is not handed to a worker yet");
        runHeld(1);
        s.assertResponse(1, 0);
        assertEquals(1, held.size(), "now it is");
        runHeld(1);
        s.assertResponse(2, 0);
        assertNothingMore();
    }

    @Test
    void headOfQueueStartsAtOnceAndHoldsBackSimpleCommands() {
        write(1, ORDERED);
        write(2, SIMPLE); // waits for the ordered write
        assertEquals(1, held.size(), "the simple write waits");
        read(3, HEAD_OF_QUEUE); // overtakes both
        assertReadData(3, new byte[512]);
        runHeld(1);
        s.assertResponse(1, 0);
        runHeld(1);
        s.assertResponse(2, 0);

        write(4, SIMPLE); // held by the test, so incomplete
        byte[] other = {0x2a, 0, 0, 0, 0, 8, 0, 0, 1, 0}; // another 4 KiB block: LBA 8
        s.send(Wire.frame(Wire.scsiCommandBhs(5, false, true, 512, s.nextCmdSN(), other, HEAD_OF_QUEUE), pattern));
        read(6, SIMPLE);
        s.channel.runPendingTasks();
        assertEquals(2, held.size(), "the head-of-queue write started beside the older simple one");
        assertNull(s.poll(), "the simple read waits for the head-of-queue write");
        held.remove(1).run(); // the head-of-queue write completes first
        s.channel.runPendingTasks();
        s.assertResponse(5, 0);
        assertReadData(6, pattern); // writes 1 and 2 put it there; it need not wait for write 4
        runHeld(1);
        s.assertResponse(4, 0);
        assertNothingMore();
    }

    @Test
    void abortingAWaitingOrderedCommandLetsTheOnesBehindItStart() {
        write(1, SIMPLE);
        write(2, ORDERED); // waits for write 1
        read(3, SIMPLE); // waits for write 2
        assertNull(s.poll());
        s.send(abortTask(10, 2));
        // Read 3 starts as write 2 leaves, before the abort is answered; it need not wait for
        // write 1 (simple), and write 2 never ran.
        assertReadData(3, new byte[512]);
        s.assertTaskMgmtResponse(10, 0); // FUNCTION COMPLETE
        runHeld(1);
        s.assertIdleWindow(s.assertResponse(1, 0));
        assertEquals(0, held.size(), "the aborted write never reached a worker");
        assertNothingMore();
        s.assertAllReleased();
    }

    @Test
    void abortTaskSetStartsNoneOfTheWaitingCommands() {
        write(1, SIMPLE);
        write(2, ORDERED);
        read(3, SIMPLE);
        s.send(abortTaskSet(10));
        s.channel.runPendingTasks();
        assertNull(s.poll(), "the answer waits for the running write");
        assertEquals(1, held.size(), "no waiting command was started by the abort");
        runHeld(1);
        s.assertIdleWindow(s.assertTaskMgmtResponse(10, 0));
        assertNothingMore();
        s.assertAllReleased();
    }

    @Test
    void anAcaCommandIsRefusedAsNoAcaConditionExists() {
        read(1, ACA);
        byte[] r = s.read();
        assertEquals(0x21, r[0] & 0x3f, "a SCSI Response");
        assertEquals(1, Wire.get32(r, 16));
        EmbeddedSession.assertSense(r, 0x05, 0x49, 0x00); // ILLEGAL REQUEST, INVALID MESSAGE ERROR
        read(2, SIMPLE);
        assertReadData(2, new byte[512]); // the refused command holds nothing back
    }

    @Test
    void anAcaWriteIsRefusedAndItsDataReleased() {
        write(1, ACA);
        byte[] r = s.read();
        EmbeddedSession.assertSense(r, 0x05, 0x49, 0x00); // ILLEGAL REQUEST, INVALID MESSAGE ERROR
        assertEquals(0, held.size(), "nothing was written");
        read(2, SIMPLE);
        assertReadData(2, new byte[512]);
        s.assertAllReleased();
    }

    @Test
    void reservedAttributeCodesAreHandledAsOrdered() {
        int itt = 1;
        for (int code = 5; code <= 7; code++) {
            assertReadWaitsForWrite(itt, SIMPLE, code, "the command with attribute code " + code + " waits like an ordered one");
            itt += 2;
        }
    }

    @Test
    void commandsOnAnotherLuAreNotHeldBack() {
        write(1, ORDERED); // LUN 1, held
        s.send(EmbeddedSession.onLun2(Wire.scsiCommandBhs(2, true, false, 512, s.nextCmdSN(), SECTOR_READ, SIMPLE)));
        s.send(EmbeddedSession.onLun2(Wire.scsiCommandBhs(3, true, false, 512, s.nextCmdSN(), SECTOR_READ, ORDERED)));
        s.channel.runPendingTasks();
        assertReadData(2, new byte[512]);
        assertReadData(3, new byte[512]);
        read(4, SIMPLE); // LUN 1: waits
        assertNull(s.poll());
        runHeld(1);
        s.assertResponse(1, 0);
        assertReadData(4, pattern);
        assertNothingMore();
    }

    @Test
    void aHeadOfQueueCommandHoldsBackAnOrderedOne() {
        assertReadWaitsForWrite(1, HEAD_OF_QUEUE, ORDERED, "the ordered read waits for the head-of-queue write");
        assertNothingMore();
    }

    @Test
    void anOlderWriteStillCollectingDataHoldsBackAnOrderedRead() {
        s.send(Wire.scsiCommandBhs(1, false, true, 512, s.nextCmdSN(), SECTOR_WRITE, SIMPLE)); // no data
        s.channel.runPendingTasks();
        int ttt = assertR2T(1);
        read(2, ORDERED);
        assertNull(s.poll(), "the ordered read waits for the write, which has not started");
        s.send(Wire.frame(Wire.dataOutBhs(1, ttt, 0, 0, true), pattern));
        s.channel.runPendingTasks();
        assertEquals(1, held.size(), "the write started once its data was in");
        runHeld(1);
        s.assertResponse(1, 0);
        assertReadData(2, pattern);
        assertNothingMore();
    }

    @Test
    void aWaitingWriteStillReceivesItsData() {
        write(1, ORDERED); // held
        s.send(Wire.scsiCommandBhs(2, false, true, 512, s.nextCmdSN(), SECTOR_WRITE, SIMPLE)); // no data
        s.channel.runPendingTasks();
        int ttt = assertR2T(2); // solicited although the write will have to wait
        s.send(Wire.frame(Wire.dataOutBhs(2, ttt, 0, 0, true), pattern));
        s.channel.runPendingTasks();
        assertNull(s.poll());
        assertEquals(1, held.size(), "the simple write waits for the ordered one");
        runHeld(1);
        s.assertResponse(1, 0);
        assertEquals(1, held.size(), "now it starts");
        runHeld(1);
        s.assertIdleWindow(s.assertResponse(2, 0));
        assertNothingMore();
    }

    @Test
    void closingReleasesWaitingCommands() {
        write(1, SIMPLE); // held
        write(2, ORDERED); // waits, data in
        read(3, SIMPLE); // waits
        s.channel.close();
        runHeld(1); // the write that was running ends after the close
        assertEquals(0, held.size(), "no waiting command started after the close");
        s.assertAllReleased();
    }

    // ------------------------------------------------------------------ helpers

    private void write(int itt, int attribute) {
        s.send(Wire.frame(Wire.scsiCommandBhs(itt, false, true, 512, s.nextCmdSN(), SECTOR_WRITE, attribute), pattern));
        s.channel.runPendingTasks();
    }

    private void read(int itt, int attribute) {
        s.send(Wire.scsiCommandBhs(itt, true, false, 512, s.nextCmdSN(), SECTOR_READ, attribute));
        s.channel.runPendingTasks();
    }

    /**
     * A sector write (task {@code itt}, held by the test) then a read of it (task itt + 1): the
     * read is not answered until the write has run, and then returns the written data.
     */
    private void assertReadWaitsForWrite(int itt, int writeAttribute, int readAttribute, String why) {
        write(itt, writeAttribute);
        read(itt + 1, readAttribute);
        assertNull(s.poll(), why);
        runHeld(1);
        s.assertResponse(itt, 0);
        assertReadData(itt + 1, pattern);
    }

    /** Runs the oldest {@code n} held hand-offs, then the event loop's pending work. */
    private void runHeld(int n) {
        for (int i = 0; i < n; i++) {
            held.remove(0).run();
        }
        s.channel.runPendingTasks();
    }

    /** An R2T for {@code itt}'s first 512 bytes; returns its target transfer tag. */
    private int assertR2T(int itt) {
        byte[] r = s.read();
        assertEquals(0x31, r[0] & 0x3f, "an R2T for task " + itt);
        assertEquals(itt, Wire.get32(r, 16));
        assertEquals(0, Wire.get32(r, 40), "buffer offset");
        assertEquals(512, Wire.get32(r, 44), "desired length");
        return Wire.get32(r, 20);
    }

    /** A Data-In carrying GOOD status (phase collapse) and {@code expected}. */
    private void assertReadData(int itt, byte[] expected) {
        byte[] d = s.read();
        assertEquals(0x25, d[0] & 0x3f, "a Data-In for task " + itt);
        assertEquals(itt, Wire.get32(d, 16));
        assertEquals(0x01, d[1] & 0x01, "status in the Data-In");
        assertEquals(0, Wire.u8(d, 3), "GOOD");
        assertArrayEquals(expected, Arrays.copyOfRange(d, 48, 48 + expected.length), "task " + itt + "'s data");
    }

    private void assertNothingMore() {
        s.channel.runPendingTasks();
        assertNull(s.poll(), "nothing else was sent");
        assertEquals(0, held.size(), "nothing else was handed to a worker");
    }

    /** ABORT TASK (RFC 7143 §11.5.1) for LUN 1. */
    private byte[] abortTask(int itt, int referenced) {
        return s.taskMgmt(itt, 1, 1, referenced);
    }

    private byte[] abortTaskSet(int itt) {
        return s.taskMgmt(itt, 2, 1, 0xffffffff);
    }
}

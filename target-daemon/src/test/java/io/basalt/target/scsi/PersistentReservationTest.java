package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PERSISTENT RESERVE IN/OUT: registration, reservation types, preemption, persistence. */
class PersistentReservationTest extends LunTest {
    private static final int REGISTER = 0;
    private static final int RESERVE = 1;
    private static final int RELEASE = 2;
    private static final int CLEAR = 3;
    private static final int PREEMPT = 4;
    private static final int REGISTER_IGNORE = 6;
    private static final int WE = 1;
    private static final int EA = 3;
    private static final int WE_RO = 5;
    private static final int EA_RO = 6;
    private static final int WE_AR = 7;
    private static final int EA_AR = 8;
    private static final long KEY_A = 0xaaaa0001L;
    private static final long KEY_B = 0xbbbb0002L;

    @Override
    List<Nexus> startClean() {
        return List.of(A, B);
    }

    private Response out(Nexus n, int sa, int type, long key, long saKey) {
        return h.run(n, Cdbs.prOut(sa, type), Cdbs.prOutParameters(key, saKey, false));
    }

    private Response readKeys() {
        return readKeys(A);
    }

    private Response readKeys(Nexus n) {
        return h.run(n, Cdbs.prIn(0, 1024)).assertGood();
    }

    private Response readReservation() {
        return h.run(A, Cdbs.prIn(1, 1024)).assertGood();
    }

    private void registerBoth() {
        out(A, REGISTER, 0, 0, KEY_A).assertGood();
        out(B, REGISTER_IGNORE, 0, 0, KEY_B).assertGood();
    }

    private void assertAccess(Nexus n, boolean read, boolean write) {
        Response r = h.run(n, Cdbs.read10(0, 1));
        if (read) {
            r.assertGood();
        } else {
            r.assertConflict();
        }
        Response w = h.run(n, Cdbs.write10(0, 1), new byte[512]);
        if (write) {
            w.assertGood();
        } else {
            w.assertConflict();
        }
    }

    @Test
    void registrationsAreListedAndCountGenerations() {
        assertEquals(0, readKeys().u32(4));
        registerBoth();
        Response keys = readKeys();
        assertEquals(2, keys.u32(0), "PRGENERATION");
        assertEquals(16, keys.u32(4));
        assertEquals(KEY_A, keys.u64(8));
        assertEquals(KEY_B, keys.u64(16));
        Response truncated = h.run(A, Cdbs.prIn(0, 8)).assertGood();
        assertEquals(16, truncated.u32(4), "ADDITIONAL LENGTH is not cut by the allocation length");
        assertEquals(8, truncated.data().length);
        out(A, REGISTER, 0, KEY_A + 1, 5).assertConflict(); // wrong key
        out(B, REGISTER, 0, 0, 9).assertConflict(); // registered nexus with key 0
        out(A, REGISTER, 0, KEY_A, 0).assertGood(); // unregister
        assertEquals(8, readKeys().u32(4));
        assertEquals(3, readKeys().u32(0));
    }

    @Test
    void writeExclusiveLetsOthersReadButNotWrite() {
        registerBoth();
        out(A, RESERVE, WE, KEY_A, 0).assertGood();
        Response res = readReservation();
        assertEquals(16, res.u32(4));
        assertEquals(KEY_A, res.u64(8));
        assertEquals(WE, res.u8(21));
        assertAccess(A, true, true);
        assertAccess(B, true, false);
        out(B, RESERVE, WE, KEY_B, 0).assertConflict();
        out(A, RESERVE, WE, KEY_A, 0).assertGood(); // holder, same type
        out(A, RELEASE, EA, KEY_A, 0).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        out(B, RELEASE, WE, KEY_B, 0).assertGood(); // not the holder: no-op
        assertEquals(16, readReservation().u32(4));
        out(A, RELEASE, WE, KEY_A, 0).assertGood();
        assertEquals(0, readReservation().u32(4));
        assertAccess(B, true, true);
    }

    /** The commands added later follow the same table: READ class reads, the rest write. */
    @Test
    void newerCommandsConflictAsTheirClassDoes() {
        registerBoth();
        out(A, RESERVE, WE, KEY_A, 0).assertGood();
        h.run(B, Cdbs.rw10(0x34, 0, 8, 0)).assertGood(); // PRE-FETCH reads
        h.run(B, Cdbs.rw16(0x8b, 0, 1, 0), new byte[512]).assertConflict(); // ORWRITE
        h.run(B, WriteAtomicTest.writeAtomic16(0, 1, 0, 0), new byte[512]).assertConflict();
        h.run(B, Cdbs.cdb(0x37, 0, 0, 0, 0, 0, 0, 0, 4, 0)).assertConflict(); // READ DEFECT DATA(10)
        byte[] copy = ExtendedCopyTest.parameters(1, 0, List.of(ExtendedCopyTest.cscd(h.lun)),
                List.of(ExtendedCopyTest.segment(0, 0, 1, 0, 8)));
        h.run(B, ExtendedCopyTest.xcopyCdb(copy.length), copy).assertConflict();
        h.run(B, ExtendedCopyTest.receiveCopyResults(3, 0, 64)).assertGood(); // OPERATING PARAMETERS: allowed
        h.run(A, ExtendedCopyTest.xcopyCdb(copy.length), copy).assertGood(); // the holder copies
    }

    @Test
    void accessFollowsTheReservationTypeTable() {
        int[][] table = { // type, registered B read, write, unregistered B read, write
            {EA, 0, 0, 0, 0}, {WE_RO, 1, 1, 1, 0}, {EA_RO, 1, 1, 0, 0}, {WE_AR, 1, 1, 1, 0}, {EA_AR, 1, 1, 0, 0}};
        for (int[] row : table) {
            registerBoth();
            out(A, RESERVE, row[0], KEY_A, 0).assertGood();
            assertAccess(B, row[1] == 1, row[2] == 1);
            out(B, REGISTER, 0, KEY_B, 0).assertGood();
            assertAccess(B, row[3] == 1, row[4] == 1);
            out(A, CLEAR, 0, KEY_A, 0).assertGood();
            h.clearAttentions(A);
            h.clearAttentions(B);
        }
    }

    @Test
    void allRegistrantsReservationsReportKeyZeroAndSurviveTheReserverLeaving() {
        registerBoth();
        out(A, RESERVE, EA_AR, KEY_A, 0).assertGood();
        Response res = readReservation();
        assertEquals(0, res.u64(8), "key zero for All Registrants");
        out(A, REGISTER, 0, KEY_A, 0).assertGood();
        h.clearAttentions(B);
        Response still = h.run(B, Cdbs.prIn(1, 1024)).assertGood();
        assertEquals(EA_AR, still.u8(21), "B still holds it");
        out(B, RELEASE, EA_AR, KEY_B, 0).assertGood();
        assertEquals(0, readReservation().u32(4));
    }

    @Test
    void holderUnregisteringReleasesARegistrantsOnlyReservation() {
        registerBoth();
        out(A, RESERVE, WE_RO, KEY_A, 0).assertGood();
        out(A, REGISTER, 0, KEY_A, 0).assertGood();
        assertEquals(0, readReservation().u32(4));
        h.run(B, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.RESERVATIONS_RELEASED);
    }

    @Test
    void preemptRemovesTheVictimAndTakesItsReservation() {
        registerBoth();
        out(A, RESERVE, EA, KEY_A, 0).assertGood();
        int generation = (int) readKeys().u32(0);
        out(B, PREEMPT, WE, KEY_B, KEY_A).assertGood();
        Response keys = readKeys(B);
        assertEquals(generation + 1, keys.u32(0));
        assertEquals(8, keys.u32(4));
        assertEquals(KEY_B, keys.u64(8));
        h.run(A, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.REGISTRATIONS_PREEMPTED);
        Response res = readReservation();
        assertEquals(KEY_B, res.u64(8));
        assertEquals(WE, res.u8(21));
        assertAccess(A, true, false);
        out(B, PREEMPT, WE, KEY_B, 0x999).assertConflict(); // no registration holds that key
        out(A, PREEMPT, WE, KEY_A, KEY_B).assertConflict(); // A is no longer registered
    }

    @Test
    void clearDropsEverythingAndBumpsTheGenerationOnce() {
        registerBoth();
        int generation = (int) readKeys().u32(0);
        out(A, RESERVE, EA, KEY_A, 0).assertGood();
        out(A, CLEAR, 0, KEY_A, 0).assertGood();
        Response keys = readKeys();
        assertEquals(0, keys.u32(4));
        assertEquals(generation + 1, keys.u32(0));
        assertEquals(0, readReservation().u32(4));
        h.run(B, Cdbs.testUnitReady()).assertSense(SenseKey.UNIT_ATTENTION, Asc.RESERVATIONS_PREEMPTED);
    }

    @Test
    void reservationsSurviveARestartOfTheEngine() throws Exception {
        registerBoth();
        out(A, RESERVE, WE, KEY_A, 0).assertGood();
        h.restart();
        h.clearAttentions(A);
        h.clearAttentions(B);
        Response keys = readKeys();
        assertEquals(2, keys.u32(0));
        assertEquals(16, keys.u32(4));
        Response res = readReservation();
        assertEquals(KEY_A, res.u64(8));
        assertEquals(WE, res.u8(21));
        assertAccess(B, true, false);
        assertAccess(A, true, true);
    }

    @Test
    void unregisteredNexusesCannotReserveAndBadParametersAreRefused() {
        out(B, RESERVE, WE, 0, 0).assertConflict();
        out(A, REGISTER, 0, 0, KEY_A).assertGood();
        out(A, RESERVE, 2, KEY_A, 0).assertInvalidField(2); // type 2 is obsolete
        byte[] scope = Cdbs.prOut(RESERVE, 0x10 | WE);
        h.run(A, scope, Cdbs.prOutParameters(KEY_A, 0, false)).assertInvalidField(2);
        byte[] shortList = Cdbs.prOut(REGISTER, 0);
        shortList[8] = 20;
        h.run(A, shortList, new byte[20]).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        byte[] specIpt = Cdbs.prOutParameters(KEY_A, KEY_A, false);
        specIpt[20] = 0x08;
        h.run(A, Cdbs.prOut(REGISTER, 0), specIpt).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.run(A, Cdbs.prIn(4, 1024)).assertInvalidField(1);
    }

    @Test
    void reportCapabilitiesAndFullStatus() {
        h.run(A, Cdbs.prOut(REGISTER, 0), Cdbs.prOutParameters(0, KEY_A, true)).assertGood();
        Response caps = h.run(A, Cdbs.prIn(2, 8)).assertGood();
        assertEquals(8, caps.u16(0));
        assertEquals(0x01, caps.u8(2) & 0x01, "PTPL_C");
        assertEquals(0x81, caps.u8(3), "TMV and PTPL_A");
        assertEquals(0xea01, caps.u16(4), "every type");
        out(A, RESERVE, EA, KEY_A, 0).assertGood();
        Response full = h.run(A, Cdbs.prIn(3, 1024)).assertGood();
        assertEquals(KEY_A, full.u64(8));
        assertEquals(0x01, full.u8(20), "R_HOLDER");
        assertEquals(EA, full.u8(21));
        int idLength = (int) full.u32(28);
        assertEquals(0x45, full.u8(32), "iSCSI TransportID, initiator port format");
        String id = new String(full.data(), 36, idLength - 4, StandardCharsets.UTF_8).trim();
        assertTrue(id.startsWith(A.initiatorPort()), id);
        assertEquals(full.data().length - 8, full.u32(4));
    }
}

package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.engine.EngineException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The opcode table, dispatch order, Data-Out metadata and the sense vocabulary. */
class DispatcherTest extends LunTest {
    private static final int BS = 512;

    @Test
    void unknownOpcodesAndServiceActionsAreRefused() {
        h.run(A, Cdbs.cdb(0xc1, 0, 0, 0, 0, 0)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
        byte[] sa = Cdbs.readCapacity16(32);
        sa[1] = 0x1f;
        Response r = h.run(A, sa);
        r.assertInvalidField(1); // libiscsi reads field pointer 1 on SERVICE ACTION IN as "not implemented"
        h.run(A, Cdbs.prIn(0x07, 255)).assertInvalidField(1);
        h.run(A, Cdbs.cdb(0x48, 0x01, 0, 0, 0, 0, 0, 0, 0, 0))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE); // SANITIZE
    }

    @Test
    void nacaIsRefused() {
        byte[] tur = Cdbs.testUnitReady();
        tur[5] = 0x04;
        h.run(A, tur).assertInvalidField(5);
    }

    @Test
    void onlyPlainWritesOfWhole4KiBBlocksCountAsAppendOnly() {
        assertTrue(ScsiDispatcher.appendOnlyWrite(Cdbs.write10(8, 8), 8L * BS));
        assertTrue(ScsiDispatcher.appendOnlyWrite(Cdbs.rw16(0x8a, 16, 256, 0x08), 256L * BS)); // FUA too
        assertTrue(ScsiDispatcher.appendOnlyWrite(Cdbs.rw12(0xaa, 3, 2, 0), 2L * 4096)); // 4096-byte LUN
        assertTrue(ScsiDispatcher.appendOnlyWrite(Cdbs.write6(0, 0), 256L * BS)); // 0 means 256
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.write10(1, 8), 8L * BS), "starts inside a 4 KiB block");
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.write10(8, 4), 4L * BS), "ends inside a 4 KiB block");
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.write10(8, 0), 0), "no data");
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.rw10(0x2e, 8, 8, 0), 8L * BS), "WRITE AND VERIFY reads back");
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.compareAndWrite(8, 8), 16L * BS), "COMPARE AND WRITE reads");
        assertFalse(ScsiDispatcher.appendOnlyWrite(Cdbs.read10(8, 8), 8L * BS));
        assertFalse(ScsiDispatcher.appendOnlyWrite(new byte[] {0x2a, 0, 0}, 4096), "a short CDB");
    }

    @Test
    void dataOutLengthAndDirectionComeFromTheTable() {
        ScsiDispatcher d = h.dispatcher;
        assertEquals(256L * BS, d.dataOutLength(Cdbs.write6(0, 0), BS));
        assertEquals(7L * BS, d.dataOutLength(Cdbs.write10(0, 7), BS));
        assertEquals(9L * 4096, d.dataOutLength(Cdbs.rw12(0xaa, 0, 9, 0), 4096));
        assertEquals(2L * BS, d.dataOutLength(Cdbs.compareAndWrite(0, 1), BS));
        assertEquals(BS, d.dataOutLength(Cdbs.writeSame16(0, 100, true, false), BS));
        assertEquals(0, d.dataOutLength(Cdbs.writeSame16(0, 100, false, true), BS), "NDOB");
        assertEquals(24, d.dataOutLength(Cdbs.unmap(24), BS));
        assertEquals(24, d.dataOutLength(Cdbs.prOut(0, 0), BS));
        assertEquals(28, d.dataOutLength(Cdbs.modeSelect6(28), BS));
        assertEquals(0, d.dataOutLength(Cdbs.read10(0, 8), BS));
        assertEquals(0, d.dataOutLength(Cdbs.cdb(0xc1, 0, 0, 0, 0, 0), BS));
        assertEquals(DataDirection.IN, d.direction(Cdbs.read16(0, 1)));
        assertEquals(DataDirection.OUT, d.direction(Cdbs.write16(0, 1, false)));
        assertEquals(DataDirection.NONE, d.direction(Cdbs.testUnitReady()));
        assertEquals(DataDirection.IN, d.direction(Cdbs.getLbaStatus(0, 24)));
    }

    @Test
    void fixedSenseCarriesInformationAndFieldPointers() {
        byte[] s = Sense.invalidFieldInCdb(10, 7).toFixed();
        assertEquals(18, s.length);
        assertEquals(0x70, s[0] & 0xff, "VALID clear without INFORMATION");
        assertEquals(0x05, s[2]);
        assertEquals(10, s[7], "ADDITIONAL SENSE LENGTH");
        assertEquals(0x24, s[12]);
        assertEquals(0x80 | 0x40 | 0x08 | 7, s[15] & 0xff, "SKSV, C/D=1, BPV, bit 7");
        assertEquals(10, ((s[16] & 0xff) << 8) | (s[17] & 0xff));
        byte[] p = Sense.invalidFieldInParameterList(300, -1).toFixed();
        assertEquals(0x80, p[15] & 0xff, "C/D=0, no bit pointer");
        assertEquals(300, ((p[16] & 0xff) << 8) | (p[17] & 0xff));
        byte[] m = Sense.of(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR).withInformation(0x01020304L).toFixed();
        assertEquals(0xf0, m[0] & 0xff, "VALID");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, new byte[] {m[3], m[4], m[5], m[6]});
        assertEquals(0x70, Sense.lbaOutOfRange().withInformation(1L << 33).toFixed()[0] & 0xff,
                "an LBA beyond 32 bits cannot be VALID in fixed format");
    }

    @Test
    void engineFailuresMapToTheirSenseCodes() {
        Sense noSpace = SenseMapper.toSense(
                new CompletionException(new EngineException(EngineException.Kind.NO_SPACE, "full")), BS, 0);
        assertEquals(SenseKey.DATA_PROTECT, noSpace.key());
        assertEquals(Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, noSpace.asc());
        Sense invalid = SenseMapper.toSense(new EngineException(EngineException.Kind.INVALID_ARGUMENT, "x"), BS, 0);
        assertEquals(Asc.LBA_OUT_OF_RANGE, invalid.asc());
        Sense io = SenseMapper.toSense(new EngineException(EngineException.Kind.IO_ERROR, "x"), BS, 0);
        assertEquals(SenseKey.HARDWARE_ERROR, io.key());
        assertEquals(Asc.INTERNAL_TARGET_FAILURE, io.asc());
        assertEquals(Asc.INTERNAL_TARGET_FAILURE, SenseMapper.toSense(new IllegalStateException("bug"), BS, 0).asc());
    }

    @Test
    void aClosedEngineBecomesAnInternalTargetFailureNotAnException() throws Exception {
        h.engine.close();
        Response r = h.run(A, Cdbs.read10(0, 1));
        r.assertSense(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
        h.run(A, Cdbs.write10(0, 1), new byte[BS]).assertSense(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
        h.engine = io.basalt.engine.BlockEngine.open(dir.resolve("again"), ScsiHarness.config());
    }
}

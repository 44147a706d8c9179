package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static io.basalt.target.scsi.ScsiHarness.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.engine.VolumeSpec;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXTENDED COPY (LID1) and RECEIVE COPY RESULTS over real engine volumes. */
class ExtendedCopyTest extends LunTest {
    private static final int BS = 512;

    static byte[] xcopyCdb(int length) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x83;
        Cdbs.be(b, 10, 4, length);
        return b;
    }

    static byte[] receiveCopyResults(int serviceAction, int listId, int allocation) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x84;
        b[1] = (byte) serviceAction;
        b[2] = (byte) listId;
        Cdbs.be(b, 10, 4, allocation);
        return b;
    }

    /** An identification CSCD descriptor (E4h) naming a LU by its NAA designator. */
    static byte[] cscd(Lun lun) {
        byte[] d = new byte[32];
        d[0] = (byte) 0xe4;
        byte[] naa = DeviceIdentity.naa(lun.device());
        d[4] = 1; // binary
        d[5] = 3; // NAA, associated with the LU
        d[7] = (byte) naa.length;
        System.arraycopy(naa, 0, d, 8, naa.length);
        Cdbs.be(d, 29, 3, lun.blockSize());
        return d;
    }

    /** A block-to-block segment descriptor (02h). */
    static byte[] segment(int src, int dst, int blocks, long srcLba, long dstLba) {
        byte[] d = new byte[28];
        d[0] = 0x02;
        Cdbs.be(d, 2, 2, 24);
        Cdbs.be(d, 4, 2, src);
        Cdbs.be(d, 6, 2, dst);
        Cdbs.be(d, 10, 2, blocks);
        Cdbs.be(d, 12, 8, srcLba);
        Cdbs.be(d, 20, 8, dstLba);
        return d;
    }

    /** The parameter list: header (LIST ID USAGE {@code usage}), CSCD descriptors, segments. */
    static byte[] parameters(int listId, int usage, List<byte[]> cscds, List<byte[]> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[16];
        header[0] = (byte) listId;
        header[1] = (byte) (usage << 3);
        Cdbs.be(header, 2, 2, cscds.stream().mapToInt(d -> d.length).sum());
        Cdbs.be(header, 8, 4, segments.stream().mapToInt(d -> d.length).sum());
        out.writeBytes(header);
        cscds.forEach(out::writeBytes);
        segments.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private Response xcopy(Nexus nexus, byte[] parameters) {
        return h.run(nexus, xcopyCdb(parameters.length), parameters);
    }

    @Test
    void copiesARangeWithinTheLuAndHoldsItsStatus() {
        byte[] data = Cdbs.pattern(21, 64 * BS);
        h.write(A, 3, data);
        xcopy(A, parameters(7, 0, List.of(cscd(h.lun)), List.of(segment(0, 0, 64, 3, 1000)))).assertGood();
        assertArrayEquals(data, h.read(A, 1000, 64));
        assertArrayEquals(data, h.read(A, 3, 64), "the source is unchanged");

        Response status = h.run(A, receiveCopyResults(0, 7, 64));
        status.assertGood();
        assertEquals(12, status.data().length);
        assertEquals(CopyResults.COMPLETED, status.u8(4));
        assertEquals(1, status.u16(5), "segments processed");
        assertEquals(0, status.u8(7), "transfer count in bytes");
        assertEquals(64L * BS, status.u32(8));
        h.run(A, receiveCopyResults(0, 8, 64)).assertInvalidField(2);
        h.clearAttentions(B);
        h.run(B, receiveCopyResults(0, 7, 64)).assertInvalidField(2); // results are per I_T nexus
        h.lun.nexusLost(A);
        h.clearAttentions(A); // a new nexus: power-on unit attention
        h.run(A, receiveCopyResults(0, 7, 64)).assertInvalidField(2);

        xcopy(A, parameters(9, 2, List.of(cscd(h.lun)), List.of(segment(0, 0, 8, 3, 2000)))).assertGood();
        h.run(A, receiveCopyResults(0, 9, 64)).assertInvalidField(2); // LIST ID USAGE 10b: nothing held
        assertArrayEquals(Arrays.copyOf(data, 8 * BS), h.read(A, 2000, 8));
    }

    /** 4 MiB moved 1 MiB forward on one LU: copied front to back, it would copy copies. */
    @Test
    void overlappingRangesCopyAsIfReadFirst() {
        byte[] data = Cdbs.pattern(22, 8192 * BS);
        for (int lba = 0; lba < 8192; lba += 1024) {
            h.write(A, lba, Arrays.copyOfRange(data, lba * BS, (lba + 1024) * BS));
        }
        xcopy(A, parameters(1, 0, List.of(cscd(h.lun)), List.of(segment(0, 0, 8192, 0, 2048)))).assertGood();
        for (int lba = 0; lba < 8192; lba += 1024) {
            assertArrayEquals(Arrays.copyOfRange(data, lba * BS, (lba + 1024) * BS), h.read(A, 2048 + lba, 1024), "at " + lba);
        }
        assertArrayEquals(Arrays.copyOf(data, 2048 * BS), h.read(A, 0, 2048));
    }

    @Test
    void copiesBetweenLusOfOneTargetWithTheirOwnBlockSizes() throws Exception {
        h.engine.createVolume(new VolumeSpec("w", 8 << 20, false));
        Lun other = new Lun(new EngineBlockDevice(h.engine.volume("w"), 4096));
        byte[] data = Cdbs.pattern(23, 64 * BS);
        h.write(A, 16, data);
        byte[] params = parameters(1, 0, List.of(cscd(h.lun), cscd(other)), List.of(segment(0, 1, 64, 16, 5)));
        xcopy(A, params).assertSense(SenseKey.COPY_ABORTED, Asc.COPY_TARGET_DEVICE_NOT_REACHABLE); // not in a target yet

        ScsiTarget target = new ScsiTarget(h.dispatcher);
        target.addLun(0, h.lun);
        target.addLun(1, other);
        h.clearAttentions(A); // REPORTED LUNS DATA HAS CHANGED
        for (int i = 0; i < 10 && run(other, Cdbs.testUnitReady()).status() != ScsiResult.GOOD; i++) {
            // the new LU's power-on unit attention
        }
        xcopy(A, params).assertGood();
        assertArrayEquals(data, run(other, Cdbs.read16(5, 8)).data(), "64 blocks of 512 bytes are 8 of 4096");

        byte[] back = parameters(1, 0, List.of(cscd(other), cscd(h.lun)), List.of(segment(0, 1, 2, 5, 4000)));
        back[16 + 64 + 1] = 0x02; // DC=1: NUMBER OF BLOCKS counts destination blocks (512 bytes)
        xcopy(A, back).assertSense(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE); // 1 KiB: not whole 4 KiB blocks
        back[16 + 64 + 1] = 0;
        xcopy(A, back).assertGood(); // 2 blocks of 4096 = 16 of 512
        assertArrayEquals(Arrays.copyOf(data, 16 * BS), h.read(A, 4000, 16));

        target.removeLun(1);
        h.clearAttentions(A);
        xcopy(A, params).assertSense(SenseKey.COPY_ABORTED, Asc.COPY_TARGET_DEVICE_NOT_REACHABLE);
    }

    private Response run(Lun lun, byte[] cdb) {
        return Response.of(h.dispatcher.execute(lun, new ScsiTask(A, 1, cdb, 0, null)).join());
    }

    @Test
    void theParameterListIsCheckedBeforeAnythingIsCopied() {
        byte[] target = cscd(h.lun);
        byte[] seg = segment(0, 0, 8, 0, 100);
        h.run(A, xcopyCdb(0)).assertGood();
        byte[] ok = parameters(1, 0, List.of(target), List.of(seg));
        h.run(A, xcopyCdb(ok.length - 1), Arrays.copyOf(ok, ok.length - 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        h.run(A, xcopyCdb(10), Arrays.copyOf(ok, 10)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        assertEquals(0, h.dispatcher.dataOutLength(xcopyCdb(ExtendedCopy.MAX_PARAMETER_LIST + 1), BS), "too long: not solicited");
        h.run(A, xcopyCdb(ExtendedCopy.MAX_PARAMETER_LIST + 1)).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);

        xcopy(A, parameters(1, 0, java.util.Collections.nCopies(ExtendedCopy.MAX_CSCD_DESCRIPTORS + 1, target), List.of(seg)))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.TOO_MANY_TARGET_DESCRIPTORS);
        xcopy(A, parameters(1, 0, List.of(target), java.util.Collections.nCopies(ExtendedCopy.MAX_SEGMENT_DESCRIPTORS + 1, seg)))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.TOO_MANY_SEGMENT_DESCRIPTORS);
        byte[] fibreChannel = target.clone();
        fibreChannel[0] = (byte) 0xe0;
        xcopy(A, parameters(1, 0, List.of(fibreChannel), List.of(seg)))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE);
        byte[] stream = seg.clone();
        stream[0] = 0x03;
        xcopy(A, parameters(1, 0, List.of(target), List.of(stream)))
                .assertSense(SenseKey.ILLEGAL_REQUEST, Asc.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE);
        byte[] inline = parameters(1, 0, List.of(target), List.of(seg));
        inline[15] = 1;
        xcopy(A, inline).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);

        byte[] nul = target.clone();
        nul[1] = 0x20;
        xcopy(A, parameters(1, 0, List.of(nul), List.of(seg))).assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);

        byte[] data = Cdbs.pattern(24, 8 * BS);
        h.write(A, 0, data);
        // The second segment names a CSCD descriptor that is not there: refused before the first is copied.
        xcopy(A, parameters(1, 0, List.of(target), List.of(seg, segment(0, 1, 8, 0, 200))))
                .assertSense(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE);
        assertArrayEquals(new byte[8 * BS], h.read(A, 100, 8), "nothing was copied");
        h.run(A, receiveCopyResults(0, 1, 64)).assertInvalidField(2); // never started
        xcopy(A, parameters(1, 0, List.of(target), List.of(seg, segment(0, 0, 8, 0, h.blocks() - 7))))
                .assertSense(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE);
        assertArrayEquals(new byte[8 * BS], h.read(A, 100, 8), "nothing was copied");
        int tooLong = (int) (ExtendedCopy.MAX_SEGMENT_LENGTH / BS) + 8;
        xcopy(A, parameters(1, 0, List.of(target), List.of(segment(0, 0, tooLong, 0, 100))))
                .assertSense(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE);
        xcopy(A, parameters(1, 0, List.of(target), List.of(seg))).assertGood();
        assertArrayEquals(data, h.read(A, 100, 8));
    }

    /**
     * Seeded mutations of a valid parameter list (bytes changed, lists cut short, lengths
     * changed): every one gets a status a command may end with and none is an internal error.
     */
    @Test
    void mutatedParameterListsNeverEndInAnInternalError() {
        byte[] valid = parameters(1, 0, List.of(cscd(h.lun), cscd(h.lun)),
                List.of(segment(0, 1, 8, 0, 64), segment(1, 0, 16, 100, 200)));
        java.util.Random random = new java.util.Random(42);
        int good = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] list = valid.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                list[random.nextInt(list.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(8) == 0) {
                list = Arrays.copyOf(list, random.nextInt(list.length + 1));
            }
            int length = random.nextInt(16) == 0 ? random.nextInt(ExtendedCopy.MAX_PARAMETER_LIST + 64) : list.length;
            Response r = h.run(A, xcopyCdb(length), list, length);
            if (r.status() == ScsiResult.GOOD) {
                good++;
                continue;
            }
            String which = "mutation " + i + " of parameter list length " + length;
            assertEquals(ScsiResult.CHECK_CONDITION, r.status(), which);
            assertTrue(r.senseKey() == SenseKey.ILLEGAL_REQUEST.code() || r.senseKey() == SenseKey.COPY_ABORTED.code(),
                    () -> which + ": sense " + Integer.toHexString(r.senseKey()) + "/" + Integer.toHexString(r.asc()));
        }
        assertTrue(good > 0, "some mutations still copy");
    }

    /** A copy still running when its nexus ends does not bring its results back when it ends. */
    @Test
    void resultsOfACopyRunningWhenItsNexusEndsAreNotHeld() {
        CopyResults results = new CopyResults();
        CopyResults.Progress running = results.begin(A, 5, true, true);
        assertEquals(null, results.begin(A, 5, true, true), "list identifier 5 is in use on A");
        CopyResults.Progress other = results.begin(B, 5, true, true);
        results.forget(A);
        results.end(running, CopyResults.COMPLETED);
        results.end(other, CopyResults.COMPLETED);
        assertEquals(null, results.status(A, 5));
        assertEquals(CopyResults.COMPLETED, results.status(B, 5).status);
    }

    @Test
    void operatingParametersDescribeTheLimitsEnforced() {
        Response r = h.run(A, receiveCopyResults(3, 0, 256));
        r.assertGood();
        assertEquals(r.data().length - 4, r.u32(0));
        assertEquals(ExtendedCopy.MAX_CSCD_DESCRIPTORS, r.u16(8));
        assertEquals(ExtendedCopy.MAX_SEGMENT_DESCRIPTORS, r.u16(10));
        assertEquals(ExtendedCopy.MAX_DESCRIPTOR_LIST, r.u32(12));
        assertEquals(16L << 20, r.u32(16));
        assertEquals(ExtendedCopy.MAX_CONCURRENT_COPIES, r.u16(34));
        assertEquals(0, r.u32(20), "no inline data");
        assertEquals(2, r.u8(43));
        assertEquals(0x02, r.u8(44));
        assertEquals(0xe4, r.u8(45));
        assertEquals(0x08, h.run(A, Cdbs.inquiry(false, 0, 96)).u8(5) & 0x08, "3PC");
    }
}

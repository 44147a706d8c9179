package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PduDecoderTest {
    private final List<ByteBuf> fed = new ArrayList<>();
    private final List<Object> decoded = new ArrayList<>();

    /** Every buffer the test fed in is released once the PDUs are released and the channel closed. */
    @AfterEach
    void everyBufferReleased() {
        for (Object o : decoded) {
            if (o instanceof Pdu pdu) {
                pdu.release();
                assertEquals(0, pdu.refCnt(), "decoded " + pdu);
            }
        }
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "input buffer not released");
        }
    }

    private EmbeddedChannel channel(PduDecoder decoder) {
        return new EmbeddedChannel(decoder);
    }

    private void feed(EmbeddedChannel ch, byte[] bytes, int from, int to) {
        ByteBuf b = Unpooled.buffer(to - from).writeBytes(bytes, from, to - from);
        fed.add(b);
        ch.writeInbound(b);
        for (Object o; (o = ch.readInbound()) != null; ) {
            decoded.add(o);
        }
    }

    private void feed(EmbeddedChannel ch, byte[] bytes) {
        feed(ch, bytes, 0, bytes.length);
    }

    private static byte[] scsiWrite(int itt, int dataLength) {
        byte[] data = new byte[dataLength];
        new Random(itt).nextBytes(data);
        byte[] cdb = {0x2a, 0, 0, 0, 0, 0x10, 0, 0, 8, 0};
        return Wire.frame(Wire.scsiCommandBhs(itt, false, true, dataLength, itt, cdb), data);
    }

    @Test
    void decodesScsiCommandFieldsAndImmediateData() {
        byte[] ext = new byte[8];
        Wire.put16(ext, 0, 5);
        ext[2] = 1;
        ext[4] = (byte) 0xaa;
        ext[7] = (byte) 0xdd;
        byte[] cdb = {(byte) 0x7f, 0, 0, 0, 0, 0, 0, 0x18};
        byte[] data = {1, 2, 3, 4, 5};
        byte[] wire = Wire.frame(Wire.scsiCommandBhs(0x1234, true, true, 4096, 99, cdb), ext, data, false, false);
        EmbeddedChannel ch = channel(PduDecoder.forTarget());
        feed(ch, wire);
        ScsiCommandPdu cmd = ScsiCommandPdu.of((Pdu) decoded.get(0));
        assertEquals(0x1234, cmd.itt());
        assertTrue(cmd.read());
        assertTrue(cmd.write());
        assertTrue(cmd.finalFlag());
        assertEquals(ScsiCommandPdu.TaskAttribute.SIMPLE, ScsiCommandPdu.TaskAttribute.fromCode(cmd.attribute()));
        assertEquals(4096, cmd.expectedDataTransferLength());
        assertEquals(99, cmd.cmdSN());
        assertEquals(77, cmd.expStatSN());
        assertEquals(0x0001000000000000L, cmd.lun());
        byte[] full = cmd.cdb();
        assertEquals(20, full.length, "16 BHS bytes plus a 4-byte extended CDB");
        assertEquals(0x7f, full[0] & 0xff);
        assertEquals(0xaa, full[16] & 0xff);
        assertEquals(0xdd, full[19] & 0xff);
        assertArrayEquals(data, Wire.bytes(cmd.immediateData()));
        assertFalse(ch.finish());
    }

    @Test
    void decodesDataOutAndLoginRequestViews() {
        byte[] dataOut = Wire.frame(Wire.dataOutBhs(5, 0x99, 2, 16384, true), new byte[] {9, 9});
        byte[] login = Wire.frame(Wire.loginBhs(true, false, 1, 3, 0x023d00000001L, 0), "InitiatorName=iqn.i\0".getBytes());
        EmbeddedChannel ch = channel(PduDecoder.forTarget());
        feed(ch, Wire.concat(dataOut, login));
        DataOutPdu out = DataOutPdu.of((Pdu) decoded.get(0));
        assertEquals(0x99, out.targetTransferTag());
        assertEquals(2, out.dataSN());
        assertEquals(16384, out.bufferOffset());
        assertTrue(out.finalFlag());
        LoginRequestPdu req = LoginRequestPdu.of((Pdu) decoded.get(1));
        assertTrue(req.transit());
        assertFalse(req.continues());
        assertEquals(1, req.currentStage());
        assertEquals(3, req.nextStage());
        assertEquals(0x023d00000001L, req.isid());
        assertTrue(req.pdu().immediate());
        assertEquals("InitiatorName=iqn.i\0", new String(Wire.bytes(req.text())));
        assertFalse(ch.finish());
    }

    /** The same stream split at every byte boundary decodes to the same PDUs. */
    @Test
    void splitAtEveryByteBoundary() {
        for (Digests digests : List.of(Digests.NONE, new Digests(true, true))) {
            byte[] stream = Wire.concat(
                    Wire.frame(Wire.scsiCommandBhs(1, false, true, 7, 1, new byte[] {0x2a}), new byte[0],
                            new byte[] {1, 2, 3, 4, 5, 6, 7}, digests.header(), digests.data()),
                    Wire.frame(Wire.nopOutBhs(2, 2), new byte[0], new byte[0], digests.header(), digests.data()),
                    Wire.frame(Wire.dataOutBhs(3, 4, 0, 0, true), new byte[4], new byte[] {8}, digests.header(),
                            digests.data()));
            List<Object> reference = decodeInChunks(stream, List.of(stream.length), digests);
            assertEquals(3, reference.size());
            for (int split = 1; split < stream.length; split++) {
                assertSame(reference, decodeInChunks(stream, List.of(split, stream.length), digests));
            }
            List<Integer> everyByte = new ArrayList<>();
            for (int i = 1; i <= stream.length; i++) {
                everyByte.add(i);
            }
            assertSame(reference, decodeInChunks(stream, everyByte, digests));
        }
    }

    private List<Object> decodeInChunks(byte[] stream, List<Integer> ends, Digests digests) {
        return decodeInChunks(stream, ends, digests, PduDecoder.LOGIN_MAX_DATA_SEGMENT_LENGTH, new ArrayList<>());
    }

    /** Decodes the stream fed in pieces ending at {@code ends}; notes the decoder's state after each. */
    private List<Object> decodeInChunks(byte[] stream, List<Integer> ends, Digests digests, int maxData,
                                        List<PduDecoder.State> states) {
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.setMaxDataSegmentLength(maxData);
        decoder.enableDigests(digests);
        EmbeddedChannel ch = channel(decoder);
        int before = decoded.size();
        int from = 0;
        for (int end : ends) {
            feed(ch, stream, from, end);
            states.add(decoder.state());
            from = end;
        }
        assertFalse(ch.finish());
        return new ArrayList<>(decoded.subList(before, decoded.size()));
    }

    private static void assertSame(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(((Pdu) expected.get(i)).contentEquals((Pdu) actual.get(i)), "PDU " + i);
        }
    }

    @Test
    void corruptedDataDigestIsRejectableAndTheStreamContinues() {
        Digests both = new Digests(true, true);
        byte[] bad = Wire.frame(Wire.nopOutBhs(1, 1), new byte[0], new byte[] {1, 2, 3, 4, 5}, true, true);
        bad[bad.length - 1] ^= 0x01;
        byte[] good = Wire.frame(Wire.nopOutBhs(2, 2), new byte[0], new byte[] {6}, true, true);
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.enableDigests(both);
        EmbeddedChannel ch = channel(decoder);
        feed(ch, Wire.concat(bad, good));
        InvalidPdu invalid = assertInstanceOf(InvalidPdu.class, decoded.get(0));
        assertEquals(InvalidPdu.Reason.DATA_DIGEST_ERROR, invalid.reason());
        assertEquals(RejectReason.DATA_DIGEST_ERROR, invalid.rejectReason().orElseThrow());
        assertFalse(invalid.closeConnection());
        assertEquals(1, invalid.itt());
        Pdu next = assertInstanceOf(Pdu.class, decoded.get(1));
        assertEquals(2, next.itt());
        assertFalse(ch.finish());
    }

    @Test
    void corruptedHeaderDigestClosesAndDropsTheRest() {
        byte[] bad = Wire.frame(Wire.nopOutBhs(1, 1), new byte[0], new byte[0], true, false);
        bad[48] ^= 0x40;
        byte[] good = Wire.frame(Wire.nopOutBhs(2, 2), new byte[0], new byte[0], true, false);
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.enableDigests(new Digests(true, false));
        EmbeddedChannel ch = channel(decoder);
        feed(ch, Wire.concat(bad, good));
        assertEquals(1, decoded.size(), "nothing after a header digest error is decoded");
        InvalidPdu invalid = (InvalidPdu) decoded.get(0);
        assertEquals(InvalidPdu.Reason.HEADER_DIGEST_ERROR, invalid.reason());
        assertTrue(invalid.closeConnection());
        assertTrue(invalid.rejectReason().isEmpty());
        assertEquals(PduDecoder.State.CLOSED, decoder.state());
        assertFalse(ch.finish());
    }

    /** RFC 3720 B.4: 32 zero bytes have CRC32C 0x8a9136aa, sent as aa 36 91 8a. */
    @Test
    void dataDigestMatchesTheRfcVectorsInWireByteOrder() {
        byte[][] inputs = {new byte[32], filled(32, (byte) 0xff), incrementing(32)};
        byte[][] wire = {{(byte) 0xaa, 0x36, (byte) 0x91, (byte) 0x8a}, {0x43, (byte) 0xab, (byte) 0xa8, 0x62},
                {0x4e, 0x79, (byte) 0xdd, 0x46}};
        for (int i = 0; i < inputs.length; i++) {
            EmbeddedChannel out = new EmbeddedChannel(new PduEncoder());
            out.writeOutbound(new Digests(false, true));
            out.writeOutbound(NopIn.builder().pingData(Unpooled.wrappedBuffer(inputs[i])).build());
            ByteBuf encoded = out.readOutbound();
            byte[] bytes = Wire.bytes(encoded);
            encoded.release();
            assertArrayEquals(wire[i], Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length), "vector " + i);
            assertFalse(out.finish());
        }
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }

    private static byte[] incrementing(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) i;
        }
        return a;
    }

    @Test
    void digestsSwitchOnForTheNextPduOnly() {
        PduDecoder decoder = PduDecoder.forTarget();
        EmbeddedChannel ch = channel(decoder);
        feed(ch, Wire.frame(Wire.loginBhs(true, false, 1, 3, 1, 0), "k=v\0".getBytes()));
        decoder.enableDigests(new Digests(true, true));
        feed(ch, Wire.frame(Wire.nopOutBhs(5, 1), new byte[0], new byte[] {1, 2}, true, true));
        assertEquals(Opcode.LOGIN_REQUEST, ((Pdu) decoded.get(0)).opcode());
        assertEquals(Opcode.NOP_OUT, ((Pdu) decoded.get(1)).opcode());
        assertFalse(ch.finish());
    }

    @Test
    void overLongDataSegmentIsSkippedWithoutBufferingAndTheNextPduDecodes() {
        int length = PduDecoder.LOGIN_MAX_DATA_SEGMENT_LENGTH + 1;
        byte[] tooLong = scsiWrite(1, length);
        byte[] next = scsiWrite(2, 16);
        PduDecoder decoder = PduDecoder.forTarget();
        EmbeddedChannel ch = channel(decoder);
        feed(ch, tooLong, 0, 48);
        InvalidPdu invalid = (InvalidPdu) decoded.get(0);
        assertEquals(InvalidPdu.Reason.DATA_SEGMENT_TOO_LONG, invalid.reason());
        assertEquals(RejectReason.PROTOCOL_ERROR, invalid.rejectReason().orElseThrow());
        assertFalse(invalid.closeConnection());
        assertTrue(invalid.detail().contains(Integer.toString(length)), invalid.detail());
        for (int off = 48; off < tooLong.length; off += 1000) {
            feed(ch, tooLong, off, Math.min(tooLong.length, off + 1000));
            assertEquals(0, decoder.internalBufferBytes(), "skipped bytes must not accumulate");
        }
        feed(ch, next);
        assertEquals(2, decoded.size());
        assertEquals(2, ((Pdu) decoded.get(1)).itt());
        assertFalse(ch.finish());
    }

    @Test
    void hugeDataSegmentLengthClosesWithoutAllocating() {
        byte[] header = Wire.scsiCommandBhs(1, false, true, 0, 1, new byte[] {0x2a});
        header[5] = (byte) 0xff;
        header[6] = (byte) 0xff;
        header[7] = (byte) 0xff;
        PduDecoder decoder = PduDecoder.forTarget();
        EmbeddedChannel ch = channel(decoder);
        feed(ch, header);
        InvalidPdu invalid = (InvalidPdu) decoded.get(0);
        assertEquals(InvalidPdu.Reason.DATA_SEGMENT_TOO_LONG, invalid.reason());
        assertTrue(invalid.closeConnection());
        for (int i = 0; i < 64; i++) {
            feed(ch, new byte[65536]);
            assertEquals(0, decoder.internalBufferBytes());
        }
        assertEquals(1, decoded.size());
        assertFalse(ch.finish());
    }

    @Test
    void unsupportedOpcodesAreReportedAndTheirDataSkipped() {
        byte[] vendor = Wire.frame(Wire.bhs(0x1c, 0x80), new byte[] {1, 2, 3, 4, 5, 6});
        byte[] unassigned = Wire.frame(Wire.bhs(0x07, 0x80), new byte[0]);
        byte[] targetOpcode = Wire.frame(Wire.bhs(0x21, 0x80), new byte[] {7});
        byte[] good = Wire.frame(Wire.nopOutBhs(9, 1), new byte[0]);
        EmbeddedChannel ch = channel(PduDecoder.forTarget());
        feed(ch, Wire.concat(vendor, unassigned, targetOpcode, good));
        assertEquals(4, decoded.size());
        for (int i = 0; i < 3; i++) {
            InvalidPdu invalid = (InvalidPdu) decoded.get(i);
            assertEquals(InvalidPdu.Reason.UNSUPPORTED_OPCODE, invalid.reason());
            assertEquals(RejectReason.COMMAND_NOT_SUPPORTED, invalid.rejectReason().orElseThrow());
            assertFalse(invalid.closeConnection());
        }
        assertEquals(0x1c, ((InvalidPdu) decoded.get(0)).opcodeCode());
        assertEquals(9, ((Pdu) decoded.get(3)).itt());
        assertFalse(ch.finish());
    }

    @Test
    void raisedLimitAcceptsTheNegotiatedLength() {
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.setMaxDataSegmentLength(262144);
        EmbeddedChannel ch = channel(decoder);
        feed(ch, scsiWrite(1, 262144));
        Pdu pdu = (Pdu) decoded.get(0);
        assertEquals(262144, pdu.dataSegmentLength());
        assertFalse(ch.finish());
    }

    /**
     * A large data segment is assembled in a buffer of its own (the path a real socket takes
     * with {@link ReceiveAllocator}, here fed by copying): whatever the reads' boundaries, the
     * PDUs come out as when the stream arrives in one piece, digests checked.
     */
    @Test
    void largeDataSegmentsDecodeAlikeWhateverTheReads() {
        Random random = new Random(11);
        byte[] big = new byte[PduDecoder.ASSEMBLY_MIN * 3 + 5];
        random.nextBytes(big);
        byte[] big2 = new byte[PduDecoder.ASSEMBLY_MIN + 1];
        random.nextBytes(big2);
        byte[] cdb = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        for (Digests digests : List.of(Digests.NONE, new Digests(true, true))) {
            byte[] stream = Wire.concat(
                    Wire.frame(Wire.scsiCommandBhs(1, false, true, big.length, 1, cdb), new byte[0], big,
                            digests.header(), digests.data()),
                    Wire.frame(Wire.nopOutBhs(2, 2), new byte[0], new byte[0], digests.header(), digests.data()),
                    Wire.frame(Wire.dataOutBhs(1, 4, 0, 0, true), new byte[0], big2, digests.header(), digests.data()));
            List<PduDecoder.State> states = new ArrayList<>();
            List<Object> reference = decodeInChunks(stream, List.of(stream.length), digests, 256 * 1024, states);
            assertEquals(3, reference.size());
            assertArrayEquals(big, Wire.bytes(((Pdu) reference.get(0)).data()));
            assertArrayEquals(big2, Wire.bytes(((Pdu) reference.get(2)).data()));
            states.clear();
            int header = 48 + (digests.header() ? 4 : 0);
            assertSame(reference, decodeInChunks(stream, List.of(header, stream.length), digests, 256 * 1024, states));
            assertEquals(List.of(PduDecoder.State.DATA, PduDecoder.State.BHS), states, "whole data in one read: a slice");
            List<List<Integer>> splits = new ArrayList<>();
            splits.add(List.of(100, 20_000, 40_000, stream.length - 5, stream.length - 1, stream.length));
            List<Integer> randomEnds = new ArrayList<>();
            for (int end = 0; end < stream.length; ) {
                end = Math.min(stream.length, end + 1 + random.nextInt(9000));
                randomEnds.add(end);
            }
            splits.add(randomEnds);
            for (List<Integer> ends : splits) {
                states.clear();
                assertSame(reference, decodeInChunks(stream, ends, digests, 256 * 1024, states));
                assertTrue(states.contains(PduDecoder.State.ASSEMBLE), "assembled in its own buffer: " + states);
            }
        }
    }

    /** The assembly buffer goes back when its PDU's digest is wrong and when the channel closes mid-segment. */
    @Test
    void assemblyBuffersAreReleasedOnDigestErrorsAndAtClose() {
        TrackingAllocator tracking = new TrackingAllocator();
        byte[] big = new byte[PduDecoder.ASSEMBLY_MIN * 4];
        new Random(3).nextBytes(big);
        byte[] cdb = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        byte[] bad = Wire.frame(Wire.scsiCommandBhs(1, false, true, big.length, 1, cdb), new byte[0], big, false, true);
        bad[bad.length - 2] ^= 0x10;
        byte[] good = Wire.frame(Wire.nopOutBhs(2, 2), new byte[0], new byte[] {6}, false, true);
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.setMaxDataSegmentLength(256 * 1024);
        decoder.enableDigests(new Digests(false, true));
        EmbeddedChannel ch = channel(decoder);
        ch.config().setAllocator(tracking);
        byte[] stream = Wire.concat(bad, good, bad);
        feed(ch, stream, 0, 1000);
        assertEquals(PduDecoder.State.DATA, decoder.state(), "no buffer of its own before 16 KiB of it came");
        feed(ch, stream, 1000, 20_000);
        assertEquals(PduDecoder.State.ASSEMBLE, decoder.state());
        feed(ch, stream, 20_000, bad.length + good.length + 20_000);
        InvalidPdu invalid = assertInstanceOf(InvalidPdu.class, decoded.get(0));
        assertEquals(InvalidPdu.Reason.DATA_DIGEST_ERROR, invalid.reason());
        assertFalse(invalid.closeConnection());
        assertEquals(2, assertInstanceOf(Pdu.class, decoded.get(1)).itt());
        assertEquals(PduDecoder.State.ASSEMBLE, decoder.state(), "the third PDU is being assembled");
        List<ByteBuf> allocated = tracking.allocated.stream().filter(b -> b.capacity() >= PduDecoder.ASSEMBLY_MIN).toList();
        assertEquals(2, allocated.size(), "one buffer for each large segment");
        assertEquals(0, allocated.get(0).refCnt(), "the rejected segment's buffer");
        assertEquals(1, allocated.get(1).refCnt());
        assertFalse(ch.finish());
        assertEquals(0, allocated.get(1).refCnt(), "the unfinished segment's buffer, at close");
        tracking.assertAllReleased();
    }

    @Test
    void partialPduAtCloseIsDroppedAndReleased() {
        byte[] wire = scsiWrite(1, 100);
        EmbeddedChannel ch = channel(PduDecoder.forTarget());
        feed(ch, wire, 0, 60);
        assertFalse(ch.finish());
        assertNull(ch.readInbound());
        assertTrue(decoded.isEmpty());
    }
}

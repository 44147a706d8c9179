package io.basalt.target.pdu;

import static io.basalt.target.pdu.Wire.get32;
import static io.basalt.target.pdu.Wire.u16;
import static io.basalt.target.pdu.Wire.u8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every target PDU: built, encoded, decoded by an initiator-side decoder, and checked field by
 * field against the RFC 7143 byte offsets, with and without digests.
 */
class TargetPduRoundTripTest {

    private static final byte[] SENSE = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0, 0, 0, 0, 0};

    private static Arguments pdu(String name, Supplier<Pdu> build, Consumer<byte[]> check, int dataLength) {
        return Arguments.of(name, build, check, dataLength);
    }

    static Stream<Arguments> targetPdus() {
        return Stream.of(
                pdu("LoginResponse", () -> LoginResponse.builder().transit(true).currentStage(1).nextStage(3)
                        .versions(0, 0).isid(0x800000123456L).tsih(0x0102).itt(7).status(0x0201)
                        .sequence(10, 20, 30).text("TargetPortalGroupTag=1\0".getBytes()).build(), b -> {
                            assertEquals(0x23, u8(b, 0));
                            assertEquals(0x87, u8(b, 1));
                            assertEquals(0x8000, u16(b, 8));
                            assertEquals(0x00123456, get32(b, 10));
                            assertEquals(0x0102, u16(b, 14));
                            assertEquals(0x02, u8(b, 36));
                            assertEquals(0x01, u8(b, 37));
                        }, 23),
                pdu("TextResponse", () -> TextResponse.builder().continues(true).finalFlag(false).itt(9)
                        .targetTransferTag(0x55).text("TargetName=iqn.x\0".getBytes()).build(), b -> {
                            assertEquals(0x24, u8(b, 0));
                            assertEquals(0x40, u8(b, 1));
                            assertEquals(0x55, get32(b, 20));
                        }, 17),
                pdu("ScsiResponse", () -> ScsiResponse.builder().itt(11).response(ScsiResponse.COMMAND_COMPLETED)
                        .status(0x02).underflow(512).expDataSN(4).senseData(SENSE).sequence(1, 2, 3).build(), b -> {
                            assertEquals(0x21, u8(b, 0));
                            assertEquals(0x82, u8(b, 1));
                            assertEquals(0x00, u8(b, 2));
                            assertEquals(0x02, u8(b, 3));
                            assertEquals(4, get32(b, 36));
                            assertEquals(512, get32(b, 44));
                        }, 2 + SENSE.length),
                pdu("DataIn", () -> DataIn.builder().itt(12).dataSN(3).bufferOffset(8192).status(0x00)
                        .underflow(100).data(Unpooled.wrappedBuffer(new byte[1001])).build(), b -> {
                            assertEquals(0x25, u8(b, 0));
                            assertEquals(0x83, u8(b, 1));
                            assertEquals(0xffffffff, get32(b, 20));
                            assertEquals(3, get32(b, 36));
                            assertEquals(8192, get32(b, 40));
                            assertEquals(100, get32(b, 44));
                        }, 1001),
                pdu("R2T", () -> R2T.builder().lun(0x0001000000000000L).itt(13).targetTransferTag(0x77)
                        .r2tSN(1).bufferOffset(65536).desiredDataTransferLength(262144).build(), b -> {
                            assertEquals(0x31, u8(b, 0));
                            assertEquals(0x80, u8(b, 1));
                            assertEquals(0x0001, u16(b, 8));
                            assertEquals(0x77, get32(b, 20));
                            assertEquals(1, get32(b, 36));
                            assertEquals(65536, get32(b, 40));
                            assertEquals(262144, get32(b, 44));
                        }, 0),
                pdu("NopIn", () -> NopIn.builder().itt(14).pingData(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))
                        .build(), b -> {
                            assertEquals(0x20, u8(b, 0));
                            assertEquals(14, get32(b, 16));
                            assertEquals(0xffffffff, get32(b, 20));
                        }, 3),
                pdu("TaskMgmtResponse", () -> TaskMgmtResponse.builder().itt(15)
                        .response(TaskMgmtResponse.TASK_DOES_NOT_EXIST).build(), b -> {
                            assertEquals(0x22, u8(b, 0));
                            assertEquals(1, u8(b, 2));
                        }, 0),
                pdu("LogoutResponse", () -> LogoutResponse.builder().itt(16).response(LogoutResponse.CLOSED)
                        .time2Wait(2).time2Retain(20).build(), b -> {
                            assertEquals(0x26, u8(b, 0));
                            assertEquals(2, u16(b, 40));
                            assertEquals(20, u16(b, 42));
                        }, 0),
                pdu("Reject", () -> Reject.builder().reason(RejectReason.COMMAND_NOT_SUPPORTED)
                        .rejectedHeader(Wire.bhs(0x1c, 0x80)).build(), b -> {
                            assertEquals(0x3f, u8(b, 0));
                            assertEquals(0x05, u8(b, 2));
                            assertEquals(0xffffffff, get32(b, 16));
                        }, 48),
                pdu("AsyncMessage", () -> AsyncMessage.builder().asyncEvent(AsyncMessage.LOGOUT_REQUESTED)
                        .parameters(0, 0, 3).data(new byte[0], new byte[0]).sequence(5, 6, 7).build(), b -> {
                            assertEquals(0x32, u8(b, 0));
                            assertEquals(0xffffffff, get32(b, 16));
                            assertEquals(1, u8(b, 36));
                            assertEquals(3, u16(b, 42));
                            assertEquals(5, get32(b, 24));
                        }, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetPdus")
    void roundTripsWithoutDigests(String name, Supplier<Pdu> build, Consumer<byte[]> check, int dataLength) {
        roundTrip(build, check, dataLength, Digests.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetPdus")
    void roundTripsWithBothDigests(String name, Supplier<Pdu> build, Consumer<byte[]> check, int dataLength) {
        roundTrip(build, check, dataLength, new Digests(true, true));
    }

    private static void roundTrip(Supplier<Pdu> build, Consumer<byte[]> check, int dataLength, Digests digests) {
        Pdu sent = build.get();
        byte[] bhs = sent.bhs();
        byte[] data = Wire.bytes(sent.data());
        ByteBuf sentData = sent.data();
        assertEquals(dataLength, sent.dataSegmentLength());

        ByteBuf wire = encode(sent, digests);
        int padded = (dataLength + 3) / 4 * 4;
        int expectedSize = 48 + (digests.header() ? 4 : 0) + padded + (digests.data() && dataLength > 0 ? 4 : 0);
        assertEquals(expectedSize, wire.readableBytes());

        EmbeddedChannel in = new EmbeddedChannel(PduDecoder.forInitiator());
        ((PduDecoder) in.pipeline().first()).enableDigests(digests);
        assertTrue(in.writeInbound(wire));
        Pdu received = in.readInbound();
        assertArrayEquals(bhs, received.bhs());
        assertArrayEquals(data, Wire.bytes(received.data()));
        check.accept(received.bhs());
        assertTrue(received.release());
        assertFalse(in.finish());
        assertEquals(0, wire.refCnt());
        if (dataLength > 0) {
            assertEquals(0, sentData.refCnt(), "the encoder must release the PDU it wrote");
        }
    }

    private static ByteBuf encode(Pdu pdu, Digests digests) {
        EmbeddedChannel out = new EmbeddedChannel(new PduEncoder());
        out.writeOutbound(digests);
        assertTrue(out.writeOutbound(pdu));
        ByteBuf composite = out.readOutbound();
        ByteBuf wire = Unpooled.buffer().writeBytes(composite);
        composite.release();
        assertFalse(out.finish());
        return wire;
    }

    @Test
    void withSequenceFillsStatSnExpCmdSnAndMaxCmdSnAndHoldsItsOwnReference() {
        ByteBuf ping = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        Pdu built = NopIn.builder().pingData(ping).build();
        Pdu sequenced = built.withSequence(0x01020304, 0x11, 0x22);
        byte[] b = sequenced.bhs();
        assertEquals(0x01020304, get32(b, 24));
        assertEquals(0x11, get32(b, 28));
        assertEquals(0x22, get32(b, 32));
        assertEquals(0x11, sequenced.expCmdSN());
        assertEquals(0, built.statSN(), "the original is unchanged");
        assertTrue(built.release());
        assertEquals(1, ping.refCnt(), "the sequenced PDU still holds the data");
        assertTrue(sequenced.release());
        assertEquals(0, ping.refCnt());
    }

    @Test
    void withSequenceRefusesInitiatorPdus() {
        byte[] raw = Wire.bhs(0x00, 0x80);
        Pdu nopOut = Pdu.of(raw, new byte[0], Unpooled.EMPTY_BUFFER);
        assertThrows(IllegalStateException.class, () -> nopOut.withSequence(1, 2, 3));
    }

    @Test
    void dataInResidualWithoutStatusIsRefused() {
        DataIn.Builder b = DataIn.builder().underflow(10);
        assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void rejectCarriesTheOffendingHeaderOfAnInvalidPdu() {
        byte[] offending = Wire.bhs(0x07, 0x80);
        Wire.put32(offending, 16, 0xabcd);
        InvalidPdu invalid = new InvalidPdu(InvalidPdu.Reason.UNSUPPORTED_OPCODE, offending, "test", false);
        Pdu reject = Reject.of(invalid).orElseThrow();
        assertEquals(0x05, u8(reject.bhs(), 2));
        assertArrayEquals(offending, Wire.bytes(reject.data()));
        InvalidPdu headerError = new InvalidPdu(InvalidPdu.Reason.HEADER_DIGEST_ERROR, offending, "test", true);
        assertTrue(Reject.of(headerError).isEmpty(), "no Reject can answer an untrusted header");
    }

    @Test
    void pduOfStampsLengthsFromItsParts() {
        byte[] raw = Wire.bhs(0x01, 0x80);
        raw[5] = 0x7f;
        Pdu pdu = Pdu.of(raw, new byte[8], Unpooled.wrappedBuffer(new byte[5]));
        assertEquals(5, pdu.dataSegmentLength());
        assertEquals(8, pdu.totalAhsLength());
        assertEquals(2, u8(pdu.bhs(), 4));
        assertTrue(Arrays.equals(new byte[8], pdu.ahs()));
        assertThrows(IllegalArgumentException.class, () -> Pdu.of(raw, new byte[3], Unpooled.EMPTY_BUFFER));
        assertThrows(IllegalArgumentException.class, () -> Pdu.of(Wire.bhs(0x07, 0), new byte[0], Unpooled.EMPTY_BUFFER));
        pdu.release();
    }
}

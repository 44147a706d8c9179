package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PduEncoderTest {

    private static byte[] written(EmbeddedChannel ch) {
        ByteBuf buf = ch.readOutbound();
        byte[] bytes = Wire.bytes(buf);
        buf.release();
        return bytes;
    }

    @Test
    void padsTheDataSegmentWithZerosAndDoesNotCountThePadding() {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5});
        EmbeddedChannel ch = new EmbeddedChannel(new PduEncoder());
        ch.writeOutbound(NopIn.builder().pingData(data).build());
        byte[] wire = written(ch);
        assertEquals(48 + 8, wire.length);
        assertEquals(5, wire[7]);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0}, Arrays.copyOfRange(wire, 48, 56));
        assertEquals(0, data.refCnt());
        assertFalse(ch.finish());
    }

    /** A Digests message switches exactly between the PDU written before it and the one after. */
    @Test
    void inBandDigestSwitchAppliesFromTheNextPdu() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduEncoder());
        ch.writeOutbound(LoginResponse.builder().transit(true).currentStage(1).nextStage(3).build());
        ch.writeOutbound(new Digests(true, true));
        ch.writeOutbound(NopIn.builder().pingData(Unpooled.wrappedBuffer(new byte[] {7})).build());
        byte[] login = written(ch);
        byte[] nop = written(ch);
        assertEquals(48, login.length);
        assertEquals(48 + 4 + 4 + 4, nop.length);
        assertArrayEquals(Wire.crcLe(Arrays.copyOf(nop, 48)), Arrays.copyOfRange(nop, 48, 52));
        assertArrayEquals(Wire.crcLe(new byte[] {7, 0, 0, 0}), Arrays.copyOfRange(nop, 56, 60),
                "the data digest covers the padding");
        assertFalse(ch.finish());
    }

    @Test
    void noDataDigestWithoutData() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduEncoder());
        ((PduEncoder) ch.pipeline().first()).enableDigests(new Digests(true, true));
        ch.writeOutbound(TaskMgmtResponse.builder().build());
        assertEquals(52, written(ch).length);
        assertFalse(ch.finish());
    }
}

package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.basalt.target.login.ChapCredentials;
import io.basalt.target.login.LoginNegotiator;
import io.basalt.target.login.LoginRequest;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.login.LoginStep;
import io.basalt.target.login.TargetLookup;
import io.basalt.target.login.TextParameters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The codec and the negotiator wired the way the session layer is meant to wire them: the final
 * Login Response goes out without digests, and both directions carry CRC32C from the next PDU.
 */
class LoginOverChannelTest {
    private static final String TARGET = "iqn.2024-01.io.basalt:vol1";

    private static final TargetLookup ONE_TARGET = new TargetLookup() {
        @Override
        public boolean targetExists(String name) {
            return name.equals(TARGET);
        }

        @Override
        public boolean initiatorAllowed(String target, String initiator) {
            return true;
        }

        @Override
        public Optional<ChapCredentials> chapCredentials(String target, String initiator) {
            return Optional.empty();
        }

        @Override
        public Optional<ChapCredentials> discoveryChap(String initiator) {
            return Optional.empty();
        }
    };

    /** A stand-in for the session layer: login, then echo NOP-Outs. */
    private static final class MiniSession extends SimpleChannelInboundHandler<Pdu> {
        private final PduDecoder decoder;
        private final LoginNegotiator negotiator = new LoginNegotiator(ONE_TARGET, LoginSettings.defaults());

        MiniSession(PduDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Pdu pdu) {
            if (pdu.opcode() == Opcode.LOGIN_REQUEST) {
                LoginRequest request = LoginRequest.from(LoginRequestPdu.of(pdu));
                LoginStep step = negotiator.handle(request);
                ctx.write(step.responseTo(request).tsih(1).sequence(100, 1, 1).build());
                if (step.complete()) {
                    ctx.write(step.parameters().digests());
                    decoder.enableDigests(step.parameters().digests());
                    decoder.setMaxDataSegmentLength(step.parameters().targetMaxRecvDataSegmentLength());
                }
                ctx.flush();
            } else if (pdu.opcode() == Opcode.NOP_OUT) {
                NopOutPdu nop = NopOutPdu.of(pdu);
                ctx.writeAndFlush(NopIn.builder().itt(nop.itt()).pingData(nop.pingData().retain()).build());
            }
        }
    }

    @Test
    void digestsStartRightAfterTheFinalLoginResponse() {
        PduDecoder decoder = PduDecoder.forTarget();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new PduEncoder(), new MiniSession(decoder));
        List<ByteBuf> inputs = new ArrayList<>();

        byte[] text = TextParameters.of("InitiatorName", "iqn.2024-01.test:init", "TargetName", TARGET,
                "HeaderDigest", "CRC32C,None", "DataDigest", "CRC32C,None").encode();
        inputs.add(Unpooled.wrappedBuffer(Wire.frame(Wire.loginBhs(true, false, 1, 3, 7, 0x21), text)));
        ch.writeInbound(inputs.get(0));
        byte[] login = read(ch);
        assertEquals(0x87, Wire.u8(login, 1), "final response: T, CSG=1, NSG=3");
        assertEquals(0, Wire.u16(login, 36));
        int textLength = (Wire.u8(login, 5) << 16) | Wire.u16(login, 6);
        assertEquals(48 + (textLength + 3) / 4 * 4, login.length, "no digests on the final Login Response");

        byte[] ping = {1, 2, 3, 4, 5};
        inputs.add(Unpooled.wrappedBuffer(Wire.frame(Wire.nopOutBhs(0x42, 1), new byte[0], ping, true, true)));
        ch.writeInbound(inputs.get(1));
        byte[] nopIn = read(ch);
        assertEquals(48 + 4 + 8 + 4, nopIn.length);
        assertEquals(0x20, Wire.u8(nopIn, 0));
        assertEquals(0x42, Wire.get32(nopIn, 16));
        assertArrayEquals(Wire.crcLe(Arrays.copyOf(nopIn, 48)), Arrays.copyOfRange(nopIn, 48, 52));
        assertArrayEquals(ping, Arrays.copyOfRange(nopIn, 52, 57));
        assertArrayEquals(Wire.crcLe(Arrays.copyOfRange(nopIn, 52, 60)), Arrays.copyOfRange(nopIn, 60, 64));

        assertFalse(ch.finish());
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt());
        }
    }

    private static byte[] read(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        byte[] bytes = Wire.bytes(out);
        out.release();
        return bytes;
    }
}

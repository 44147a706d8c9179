package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Over a real socket on 127.0.0.1: with {@link ReceiveAllocator}, large data segments are read
 * straight into the buffers they are decoded in, and every byte still arrives intact.
 */
class ReceiveAllocatorTest {
    private static final int PDUS = 24;
    private static final int LENGTH = 128 * 1024 + 3; // padded on the wire

    @ParameterizedTest(name = "epoll={0} lending={1} digests={2}")
    @CsvSource({"true,true,false", "true,true,true", "false,true,false", "true,false,false"})
    void largeSegmentsArriveIntactAndMostlyInPlace(boolean epoll, boolean lending, boolean digests) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!epoll || Epoll.isAvailable(), "epoll is not available here");
        Random random = new Random(7);
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < PDUS; i++) {
            byte[] data = new byte[i % 3 == 2 ? 512 : LENGTH]; // a small one now and then
            random.nextBytes(data);
            sent.add(data);
            byte[] cdb = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
            frames.add(Wire.frame(Wire.scsiCommandBhs(i, false, true, data.length, i, cdb), new byte[0], data, digests, digests));
        }
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        AtomicReference<PduDecoder> decoderRef = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            Channel server = new ServerBootstrap().group(group).channel(type)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            PduDecoder decoder = PduDecoder.forTarget();
                            decoder.setMaxDataSegmentLength(256 * 1024);
                            decoder.enableDigests(new Digests(digests, digests));
                            decoderRef.set(decoder);
                            if (lending) {
                                ch.config().setRecvByteBufAllocator(new ReceiveAllocator(ch.config().getRecvByteBufAllocator(), decoder));
                            }
                            ch.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof Pdu pdu) {
                                        received.add(Wire.bytes(pdu.data()));
                                        pdu.release();
                                    } else {
                                        received.add(msg);
                                    }
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                OutputStream out = s.getOutputStream();
                for (byte[] f : frames) {
                    out.write(f);
                }
                out.flush();
                long total = 0;
                for (int i = 0; i < PDUS; i++) {
                    Object got = received.poll(10, TimeUnit.SECONDS);
                    assertNotNull(got, "PDU " + i + " never arrived");
                    assertArrayEquals(sent.get(i), (byte[]) got, "data of PDU " + i);
                    total += sent.get(i).length;
                }
                long inPlace = decoderRef.get().bytesReadInPlace();
                if (lending) {
                    assertTrue(inPlace > total / 2, inPlace + " of " + total + " bytes read in place");
                } else {
                    assertEquals(0, inPlace);
                }
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * The lending protocol step by step, as a socket read loop drives it: reads into lent
     * buffers are taken in place, a read that comes back empty (Netty releases its buffer) is
     * harmless, a header is read alone after a large segment, a bare header does not claim a
     * large buffer, and every buffer goes back, also at a close mid-segment.
     */
    @Test
    void lendingStepByStep() {
        TrackingAllocator alloc = new TrackingAllocator();
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.setMaxDataSegmentLength(256 * 1024);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.config().setAllocator(alloc);
        RecvByteBufAllocator.Handle handle = new ReceiveAllocator(new AdaptiveRecvByteBufAllocator(), decoder).newHandle();
        Random random = new Random(5);
        byte[] a = new byte[64 * 1024];
        byte[] b = new byte[100 * 1024 + 1];
        random.nextBytes(a);
        random.nextBytes(b);
        byte[] cdb = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        byte[] fa = Wire.frame(Wire.scsiCommandBhs(1, false, true, a.length, 1, cdb), a);
        byte[] fb = Wire.frame(Wire.scsiCommandBhs(2, false, true, b.length, 2, cdb), b);
        byte[] fc = Wire.frame(Wire.nopOutBhs(3, 3), new byte[0]);
        byte[] stream = Wire.concat(fa, fb, fc, fa);
        List<Object> out = new ArrayList<>();

        // A bare header: nothing large is taken for it, the read gets an ordinary buffer.
        ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, 48));
        assertEquals(PduDecoder.State.DATA, decoder.state());
        ByteBuf ordinary = handle.allocate(alloc);
        assertEquals(0, alloc.largerThan(PduDecoder.ASSEMBLY_MIN), "a bare header claimed a large buffer");
        ordinary.release(); // the read found nothing
        // 20,000 bytes of it: now it gets its buffer, and the rest is lent.
        ch.writeInbound(Unpooled.wrappedBuffer(stream, 48, 20_000));
        assertEquals(PduDecoder.State.ASSEMBLE, decoder.state());
        int at = 48 + 20_000;
        ByteBuf lent = handle.allocate(alloc);
        assertEquals(fa.length - at, lent.writableBytes());
        lent.writeBytes(stream, at, 10_000);
        ch.writeInbound(lent);
        at += 10_000;
        assertEquals(10_000, decoder.bytesReadInPlace());
        lent = handle.allocate(alloc);
        assertEquals(fa.length - at, lent.writableBytes());
        lent.writeBytes(stream, at, fa.length - at);
        ch.writeInbound(lent);
        at = fa.length;
        drain(ch, out);
        assertEquals(1, out.size());
        assertArrayEquals(a, Wire.bytes(((Pdu) out.get(0)).data()));

        // Right after it: the next header alone, then its data straight into its own buffer.
        ByteBuf header = handle.allocate(alloc);
        assertEquals(48, header.writableBytes());
        header.writeBytes(stream, at, 48);
        ch.writeInbound(header);
        at += 48;
        lent = handle.allocate(alloc);
        assertEquals(fb.length - at + fa.length, lent.writableBytes());
        lent.release(); // the read came back empty: Netty releases the buffer, nothing is lost
        lent = handle.allocate(alloc);
        assertEquals(fb.length - 48, lent.writableBytes());
        lent.writeBytes(stream, at, fb.length - 48);
        ch.writeInbound(lent);
        at += fb.length - 48;
        drain(ch, out);
        assertEquals(2, out.size());
        assertArrayEquals(b, Wire.bytes(((Pdu) out.get(1)).data()));
        assertEquals(fa.length - 48 - 20_000 + fb.length - 48, decoder.bytesReadInPlace());

        // A small PDU after it (header read alone, then nothing lent), then a large one cut
        // off by a close while it is being assembled.
        header = handle.allocate(alloc);
        header.writeBytes(stream, at, 48);
        ch.writeInbound(header);
        at += 48;
        drain(ch, out);
        assertEquals(3, out.size());
        assertEquals(3, ((Pdu) out.get(2)).itt());
        assertEquals(0, ((Pdu) out.get(2)).dataSegmentLength());
        ch.writeInbound(Unpooled.wrappedBuffer(stream, at, 48 + 30_000));
        assertEquals(PduDecoder.State.ASSEMBLE, decoder.state());
        lent = handle.allocate(alloc);
        lent.release();
        assertFalse(ch.finish());
        for (Object o : out) {
            ((Pdu) o).release();
        }
        alloc.assertAllReleased();
    }

    /** A data digest error found in a buffer filled in place is a Reject, and the buffer goes back. */
    @Test
    void digestErrorInPlace() {
        TrackingAllocator alloc = new TrackingAllocator();
        PduDecoder decoder = PduDecoder.forTarget();
        decoder.setMaxDataSegmentLength(256 * 1024);
        decoder.enableDigests(new Digests(false, true));
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.config().setAllocator(alloc);
        RecvByteBufAllocator.Handle handle = new ReceiveAllocator(new AdaptiveRecvByteBufAllocator(), decoder).newHandle();
        byte[] data = new byte[64 * 1024];
        new Random(9).nextBytes(data);
        byte[] cdb = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        byte[] frame = Wire.frame(Wire.scsiCommandBhs(1, false, true, data.length, 1, cdb), new byte[0], data, false, true);
        frame[frame.length - 1] ^= 0x01;
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 20_000));
        ByteBuf lent = handle.allocate(alloc);
        lent.writeBytes(frame, 20_000, frame.length - 20_000);
        ch.writeInbound(lent);
        assertEquals(frame.length - 20_000, decoder.bytesReadInPlace());
        InvalidPdu invalid = assertInstanceOf(InvalidPdu.class, ch.readInbound());
        assertEquals(InvalidPdu.Reason.DATA_DIGEST_ERROR, invalid.reason());
        assertFalse(invalid.closeConnection());
        assertEquals(PduDecoder.State.BHS, decoder.state());
        assertFalse(ch.finish());
        alloc.assertAllReleased();
    }

    private static void drain(EmbeddedChannel ch, List<Object> out) {
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
    }
}

package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
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
}

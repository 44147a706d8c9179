package io.basalt.target.iscsi;

import io.basalt.engine.ThreadLatency;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.pdu.PduDecoder;
import io.basalt.target.pdu.PduEncoder;
import io.basalt.target.pdu.ReceiveAllocator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The iSCSI portal: a Netty server whose pipeline is decoder, encoder and one
 * {@link IscsiConnection} per connection. SCSI commands run on a bounded worker pool, never on
 * the event loops.
 */
public final class IscsiServer implements Closeable {
    private final TargetRegistry registry;
    private final LoginSettings settings;
    private final SessionRegistry sessions = new SessionRegistry();
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private Channel listener;

    /** Read polling's default time, µs: {@code -Dbasalt.readPollMicros}, else 50. */
    public static final long DEFAULT_READ_POLL_MICROS = ReadPolling.DEFAULT_POLL_MICROS;

    public IscsiServer(TargetRegistry registry, LoginSettings settings, int ioThreads, int workerThreads) {
        this(registry, settings, ioThreads, workerThreads, DEFAULT_READ_POLL_MICROS);
    }

    /**
     * @param readPollMicros how long an event loop polls for the next command after answering a
     *                       read from memory itself (see {@link ReadPolling}); 0 turns that off
     */
    public IscsiServer(TargetRegistry registry, LoginSettings settings, int ioThreads, int workerThreads, long readPollMicros) {
        this.registry = registry;
        this.settings = settings;
        boolean epoll = Epoll.isAvailable();
        this.boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.io = new MultiThreadIoEventLoopGroup(ioThreads, epoll
                ? EpollIoHandler.newFactory(0, ReadPolling.factory(readPollMicros))
                : NioIoHandler.newFactory());
        // Most I/O that is not a small read from memory or a small write passes through a
        // worker: a short scheduler slice lets it take a core soon
        // after each wake-up (see ThreadLatency); the event loops ask in start().
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(() -> {
                        ThreadLatency.shortSlice();
                        r.run();
                    }, "basalt-scsi-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Binds the portal; returns the bound address (port 0 picks a free port). */
    public InetSocketAddress start(InetSocketAddress address) throws InterruptedException {
        // Every I/O passes through an event loop: a short scheduler slice (see ThreadLatency).
        for (EventExecutor loop : io) {
            loop.execute(ThreadLatency::shortSlice);
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, io)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PduDecoder decoder = PduDecoder.forTarget();
                        // Large data segments are read straight into their own buffers.
                        ch.config().setRecvByteBufAllocator(new ReceiveAllocator(ch.config().getRecvByteBufAllocator(), decoder));
                        // Responses completed together leave in one write system call.
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true), decoder, new PduEncoder(),
                                new IscsiConnection(registry, sessions, settings, workers));
                    }
                });
        listener = b.bind(address).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    /** Each I/O event loop's read polling, null where there is none; asked on the loops themselves. */
    List<ReadPolling> readPolling() throws Exception {
        List<ReadPolling> all = new ArrayList<>();
        for (EventExecutor loop : io) {
            all.add(loop.submit(ReadPolling::current).get(10, TimeUnit.SECONDS));
        }
        return all;
    }

    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdown();
        try {
            // Commands already handed to the engine finish before the engine is closed.
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

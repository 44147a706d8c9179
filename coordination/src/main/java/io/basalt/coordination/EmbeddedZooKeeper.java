package io.basalt.coordination;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server inside this process, for the single-node "embedded" mode and
 * for tests. It listens on 127.0.0.1 only and starts no AdminServer (no Jetty, no second port).
 *
 * <p>Data (snapshots and the transaction log) lives under the given directory, so stopping and
 * starting again, in this process or a new one, keeps every znode and every unexpired session.
 * A port of 0 picks a free port at the first start and keeps it for later restarts, so clients
 * can reconnect to the same address.
 *
 * <p>Thread-safety: start, stop and close are synchronized; the server runs on its own threads.
 */
public final class EmbeddedZooKeeper implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int MAX_CLIENT_CONNECTIONS = 256;

    private final Path dataDir;
    private final Duration tickTime;
    private final Duration maxSessionTimeout;
    private int port;
    private FileTxnSnapLog snapLog;
    private ZooKeeperServer server;
    private ServerCnxnFactory factory;

    /**
     * @param dataDir directory for snapshots ({@code snapshot/}) and the log ({@code log/})
     * @param port    client port on 127.0.0.1; 0 picks a free one
     */
    public EmbeddedZooKeeper(Path dataDir, int port) {
        this(dataDir, port, Duration.ofMillis(500), Duration.ofSeconds(60));
    }

    /**
     * @param tickTime          ZooKeeper's tick; the shortest session a client can get is two ticks
     * @param maxSessionTimeout the longest session a client can ask for
     */
    public EmbeddedZooKeeper(Path dataDir, int port, Duration tickTime, Duration maxSessionTimeout) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        this.dataDir = dataDir;
        this.port = port;
        this.tickTime = tickTime;
        this.maxSessionTimeout = maxSessionTimeout;
    }

    /** Starts serving; a no-op when already running. */
    public synchronized void start() throws IOException {
        if (factory != null) {
            return;
        }
        Files.createDirectories(dataDir);
        if (port == 0) {
            port = freeLoopbackPort();
        }
        FileTxnSnapLog log = new FileTxnSnapLog(dataDir.resolve("log").toFile(), dataDir.resolve("snapshot").toFile());
        int tick = (int) tickTime.toMillis();
        ZooKeeperServer zk = new ZooKeeperServer(log, tick, 2 * tick, (int) maxSessionTimeout.toMillis(), -1, null, "");
        ServerCnxnFactory f = ServerCnxnFactory.createFactory();
        try {
            f.configure(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), MAX_CLIENT_CONNECTIONS, -1, false);
            f.startup(zk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.shutdown();
            log.close();
            throw new IOException("interrupted while starting ZooKeeper", e);
        } catch (IOException | RuntimeException e) {
            f.shutdown();
            zk.shutdown();
            log.close();
            throw e;
        }
        this.snapLog = log;
        this.server = zk;
        this.factory = f;
        LOG.info("embedded ZooKeeper serving {} from {}", connectString(), dataDir);
    }

    /** Stops serving; data stays on disk. A no-op when stopped. */
    public synchronized void stop() {
        if (factory == null) {
            return;
        }
        try {
            factory.shutdown();
            server.shutdown(true);
        } finally {
            try {
                snapLog.close();
            } catch (IOException e) {
                LOG.warn("closing ZooKeeper's log in {} failed", dataDir, e);
            }
            factory = null;
            server = null;
            snapLog = null;
            LOG.info("embedded ZooKeeper on port {} stopped", port);
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isRunning();
    }

    /** The client port; 0 until the first start when constructed with 0. */
    public synchronized int port() {
        return port;
    }

    /** The address the server is bound to (null while stopped). */
    public synchronized InetSocketAddress boundAddress() {
        return factory == null ? null : factory.getLocalAddress();
    }

    /** "127.0.0.1:port", for {@link ClusterStore}. */
    public synchronized String connectString() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

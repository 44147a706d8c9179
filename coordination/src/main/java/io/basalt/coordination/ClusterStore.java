package io.basalt.coordination;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Basalt's view of ZooKeeper: typed JSON records under {@code /basalt}, versioned
 * compare-and-set updates, multi-znode transactions, and the connection state for health checks.
 *
 * <p>Paths given to this class are inside the {@code /basalt} namespace: {@code "/hosts/x"} is
 * the znode {@code /basalt/hosts/x}. Build them with {@link #path} so that user-chosen names
 * cannot climb out of their parent.
 *
 * <p>Operations fail fast with {@link StoreException.Kind#UNAVAILABLE} while the connection is
 * not up (never connected, SUSPENDED or LOST) instead of waiting out Curator's retries: an
 * admin request gets a 503 at once rather than hanging.
 *
 * <p>Threading: every method may be called from any thread, but none from a Curator event
 * thread (they block on ZooKeeper). Connection listeners run on Curator's event thread and
 * must not block.
 */
public final class ClusterStore implements Closeable {
    /** Every Basalt znode lives under this one. */
    public static final String NAMESPACE = "basalt";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStore.class);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._:@-]{1,255}");
    private static final int MODIFY_ATTEMPTS = 32;

    /**
     * @param sessionTimeout    how long ZooKeeper keeps our session (and ephemeral nodes) when we vanish
     * @param connectionTimeout how long a connection attempt may take
     */
    public record Settings(Duration sessionTimeout, Duration connectionTimeout) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(15), Duration.ofSeconds(5));
        }
    }

    private final CuratorFramework client;
    private final ObjectMapper mapper;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong sessionLosses = new AtomicLong();
    private volatile ConnectionState state;

    private ClusterStore(CuratorFramework client, ObjectMapper mapper) {
        this.client = client;
        // Records written by a newer Basalt may carry fields this one does not know yet.
        this.mapper = mapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        client.getConnectionStateListenable().addListener((c, newState) -> onStateChange(newState));
    }

    /** A store for {@code connectString} ("host:port,..."); call {@link #start()} next. */
    public static ClusterStore create(String connectString, Settings settings, ObjectMapper mapper) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(NAMESPACE)
                .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) settings.connectionTimeout().toMillis())
                .retryPolicy(new RetryNTimes(2, 250))
                .build();
        return new ClusterStore(client, mapper);
    }

    public void start() {
        client.start();
    }

    /** Waits for the first connection; false on timeout. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        // Curator reports the connection to its state listeners on its own thread, possibly
        // after blockUntilConnected returned: wait for ours too, or the first call is refused.
        while (!isConnected()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    // ------------------------------------------------------------------ connection state

    /** Runs on Curator's event thread: records and forwards, never blocks. */
    private void onStateChange(ConnectionState newState) {
        state = newState;
        if (newState == ConnectionState.LOST) {
            sessionLosses.incrementAndGet();
        }
        if (newState == ConnectionState.CONNECTED || newState == ConnectionState.RECONNECTED) {
            LOG.info("ZooKeeper connection {}", newState);
        } else {
            LOG.warn("ZooKeeper connection {}", newState);
        }
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(newState);
            } catch (RuntimeException e) {
                LOG.warn("connection listener failed", e);
            }
        }
    }

    /** The last state Curator reported, or null before the first connection. */
    public ConnectionState connectionState() {
        return state;
    }

    /** Connected now (CONNECTED, RECONNECTED or READ_ONLY, and the client agrees). */
    public boolean isConnected() {
        ConnectionState s = state;
        return s != null && s.isConnected() && client.getZookeeperClient().isConnected();
    }

    /** The ZooKeeper session id, 0 when there is none. */
    public long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    /** How many times the session was LOST since start: ephemeral nodes may have gone each time. */
    public long sessionLosses() {
        return sessionLosses.get();
    }

    /**
     * Adds a listener for connection state changes. It runs on Curator's event thread and must
     * not block (SUSPENDED means "maybe not leader": stop acting, do not wait).
     */
    public void addConnectionListener(Consumer<ConnectionState> listener) {
        listeners.add(listener);
    }

    /** The Curator client, for recipes. Its paths are inside the namespace too. */
    public CuratorFramework curator() {
        return client;
    }

    // ------------------------------------------------------------------ paths and encoding

    /** Joins validated segments into an absolute path: path("hosts", iqn) is "/hosts/iqn". */
    public static String path(String... segments) {
        if (segments.length == 0) {
            throw new IllegalArgumentException("a path needs at least one segment");
        }
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            if (s == null || !SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("bad path segment " + (s == null ? "null" : "'" + s + "'"));
            }
            b.append('/').append(s);
        }
        return b.toString();
    }

    /** The last segment of a path. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new StoreException(StoreException.Kind.FAILED, null, "cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public <T> T decode(String path, byte[] data, Class<T> type) {
        try {
            return mapper.readValue(data, type);
        } catch (IOException e) {
            // Neither the bytes nor the parser's message (which may quote them) go into the
            // exception: records such as CHAP credentials hold secrets.
            String where = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " (at byte " + j.getLocation().getByteOffset() + ")" : "";
            throw new StoreException(StoreException.Kind.CORRUPT, path,
                    "znode " + path + " does not hold a valid " + type.getSimpleName() + where, null);
        }
    }

    // ------------------------------------------------------------------ records

    /** Reads a record, or empty when the znode does not exist. */
    public <T> Optional<Versioned<T>> read(String path, Class<T> type) {
        return call(path, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(path);
                return Optional.of(new Versioned<>(decode(path, data, type), stat.getVersion()));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /** Creates a record (and missing parents); ALREADY_EXISTS when the znode is there. */
    public <T> Versioned<T> create(String path, T value) {
        byte[] data = encode(value);
        return call(path, () -> {
            client.create().creatingParentsIfNeeded().forPath(path, data);
            return new Versioned<>(value, 0);
        });
    }

    /** Creates an empty persistent znode and its parents if missing. */
    public void ensurePath(String path) {
        call(path, () -> {
            try {
                client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
            } catch (KeeperException.NodeExistsException ignored) {
                // already there: that is the point
            }
            return null;
        });
    }

    /** Compare-and-set: replaces the record only if its version is still {@code expectedVersion}. */
    public <T> Versioned<T> update(String path, T value, int expectedVersion) {
        byte[] data = encode(value);
        return call(path, () -> {
            Stat stat = client.setData().withVersion(expectedVersion).forPath(path, data);
            return new Versioned<>(value, stat.getVersion());
        });
    }

    /**
     * Read-modify-write with compare-and-set, retried when someone else wins the race. The
     * function may run several times and must have no side effects; returning the same
     * instance it was given skips the write.
     */
    public <T> Versioned<T> modify(String path, Class<T> type, UnaryOperator<T> change) {
        for (int attempt = 0; attempt < MODIFY_ATTEMPTS; attempt++) {
            Versioned<T> current = read(path, type).orElseThrow(() ->
                    new StoreException(StoreException.Kind.NOT_FOUND, path, "no znode " + path, null));
            T next = change.apply(current.value());
            if (next == current.value()) {
                return current;
            }
            try {
                return update(path, next, current.version());
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.VERSION_CONFLICT) {
                    throw e;
                }
            }
            // Writers that lost together would otherwise retry together and collide again
            // (seen: four threads on one znode, one losing 32 times in a row). A random wait
            // of up to 1, 2, 4 ... 32 ms spreads them; at most about a second in all.
            long maxNanos = (1L << Math.min(attempt, 5)) * 1_000_000L;
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxNanos));
        }
        throw new StoreException(StoreException.Kind.VERSION_CONFLICT, path,
                "gave up updating " + path + " after " + MODIFY_ATTEMPTS + " conflicting attempts", null);
    }

    /** Deletes a znode; false when it was not there (idempotent delete). */
    public boolean delete(String path) {
        return call(path, () -> {
            try {
                client.delete().forPath(path);
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    /** Deletes a znode only at {@code expectedVersion}; NOT_FOUND or VERSION_CONFLICT otherwise. */
    public void delete(String path, int expectedVersion) {
        call(path, () -> client.delete().withVersion(expectedVersion).forPath(path));
    }

    /** The data version of a znode, or empty when it does not exist. */
    public Optional<Integer> version(String path) {
        return call(path, () -> {
            Stat stat = client.checkExists().forPath(path);
            return stat == null ? Optional.<Integer>empty() : Optional.of(stat.getVersion());
        });
    }

    /** Names of the children, sorted; empty when the parent does not exist. */
    public List<String> children(String path) {
        return call(path, () -> {
            try {
                List<String> names = new ArrayList<>(client.getChildren().forPath(path));
                Collections.sort(names);
                return names;
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
        });
    }

    /** Every child record by name, sorted; children deleted meanwhile are skipped. */
    public <T> Map<String, Versioned<T>> readChildren(String path, Class<T> type) {
        Map<String, Versioned<T>> out = new LinkedHashMap<>();
        for (String child : children(path)) {
            read(path + "/" + child, type).ifPresent(v -> out.put(child, v));
        }
        return out;
    }

    /** Starts a multi-znode transaction: all its operations apply, or none. */
    public Transaction transaction() {
        return new Transaction();
    }

    /**
     * Operations applied atomically by {@link #commit()} (ZooKeeper multi). A failed check,
     * version or existence condition fails the whole transaction with the matching kind.
     */
    public final class Transaction {
        private final List<CuratorOp> ops = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();

        private Transaction() {
        }

        /** Requires the znode to exist at this version (-1: any version). */
        public Transaction check(String path, int version) {
            return add(path, () -> client.transactionOp().check().withVersion(version).forPath(path));
        }

        /** Creates a record; its parent must exist (transactions do not create parents). */
        public Transaction create(String path, Object value) {
            byte[] data = encode(value);
            return add(path, () -> client.transactionOp().create().forPath(path, data));
        }

        /** Replaces a record at this version (-1: any version). */
        public Transaction update(String path, Object value, int version) {
            byte[] data = encode(value);
            return add(path, () -> client.transactionOp().setData().withVersion(version).forPath(path, data));
        }

        /** Bumps a znode's version without changing its data: a guard others can check. */
        public Transaction touch(String path) {
            return add(path, () -> client.transactionOp().setData().forPath(path, new byte[0]));
        }

        /** Deletes a znode at this version (-1: any version). */
        public Transaction delete(String path, int version) {
            return add(path, () -> client.transactionOp().delete().withVersion(version).forPath(path));
        }

        private Transaction add(String path, Callable<CuratorOp> op) {
            try {
                ops.add(op.call());
                paths.add(path);
                return this;
            } catch (Exception e) {
                throw new IllegalArgumentException("bad transaction operation on " + path, e);
            }
        }

        public void commit() {
            String where = String.join(", ", paths);
            call(where, () -> client.transaction().forOperations(ops));
        }
    }

    // ------------------------------------------------------------------ plumbing

    private <R> R call(String path, Callable<R> op) {
        if (!isConnected()) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, path,
                    "not connected to ZooKeeper (connection " + (state == null ? "not yet established" : state) + ")", null);
        }
        try {
            return op.call();
        } catch (StoreException e) {
            throw e;
        } catch (KeeperException e) {
            throw translate(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, path, "interrupted while talking to ZooKeeper", e);
        } catch (Exception e) {
            throw new StoreException(StoreException.Kind.FAILED, path, "ZooKeeper operation on " + path + " failed: " + e, e);
        }
    }

    private static StoreException translate(String path, KeeperException e) {
        String where = e.getPath() != null ? e.getPath() : path;
        StoreException.Kind kind = switch (e.code()) {
            case NONODE -> StoreException.Kind.NOT_FOUND;
            case NODEEXISTS -> StoreException.Kind.ALREADY_EXISTS;
            case BADVERSION -> StoreException.Kind.VERSION_CONFLICT;
            case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, REQUESTTIMEOUT -> StoreException.Kind.UNAVAILABLE;
            default -> StoreException.Kind.FAILED;
        };
        return new StoreException(kind, where, "ZooKeeper: " + e.code() + " on " + where, e);
    }

    @Override
    public void close() {
        client.close();
    }
}

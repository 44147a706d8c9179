package io.basalt.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server stopped under a connected client: what the client sees, and how it heals. */
class SessionLossTest {
    @TempDir
    Path dir;

    private static ClusterStore connect(EmbeddedZooKeeper zk, Duration session) throws InterruptedException {
        ClusterStore s = ClusterStore.create(zk.connectString(),
                new ClusterStore.Settings(session, Duration.ofMillis(1000)), new ObjectMapper());
        s.start();
        assertTrue(s.awaitConnected(Duration.ofSeconds(10)));
        return s;
    }

    @Test
    void aShortOutageSuspendsFailsFastAndResumesTheSameSession() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, 0)) {
            zk.start();
            try (ClusterStore store = connect(zk, Duration.ofSeconds(20))) {
                Queue<ConnectionState> seen = new ConcurrentLinkedQueue<>();
                store.addConnectionListener(seen::add);
                store.create("/r/x", List.of("kept"));
                long session = store.sessionId();

                zk.stop();
                Eventually.await("SUSPENDED", Duration.ofSeconds(10), () -> seen.contains(ConnectionState.SUSPENDED));
                long t0 = System.nanoTime();
                StoreException e = assertThrows(StoreException.class, () -> store.read("/r/x", List.class));
                assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
                // Well under the 20 s session timeout: it did not wait out the connection (a bound with room
                // for a pause of a loaded machine).
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "failed fast");

                zk.start();
                Eventually.await("RECONNECTED", Duration.ofSeconds(15), () -> seen.contains(ConnectionState.RECONNECTED));
                assertEquals(session, store.sessionId());
                assertEquals(0, store.sessionLosses());
                assertEquals(List.of("kept"), store.read("/r/x", List.class).orElseThrow().value());
            }
        }
    }

    @Test
    void anOutageLongerThanTheSessionIsReportedLostAndMembershipHeals() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, 0)) {
            zk.start();
            try (ClusterStore store = connect(zk, Duration.ofSeconds(2));
                 ClusterStore observer = connect(zk, Duration.ofSeconds(20));
                 NodeRegistry registry = new NodeRegistry(store, new NodeInfo("n1", "z1", List.of(), List.of("127.0.0.1:3260"), 1))) {
                Queue<ConnectionState> seen = new ConcurrentLinkedQueue<>();
                store.addConnectionListener(seen::add);
                registry.start();
                assertTrue(registry.awaitRegistered(Duration.ofSeconds(10)));
                long oldSession = store.sessionId();

                zk.stop();
                Eventually.await("LOST", Duration.ofSeconds(20), () -> seen.contains(ConnectionState.LOST));
                assertEquals(1, store.sessionLosses());

                zk.start();
                Eventually.await("RECONNECTED", Duration.ofSeconds(20), () -> seen.contains(ConnectionState.RECONNECTED));
                assertNotEquals(oldSession, store.sessionId());
                // The node comes back owned by the new session once the server has expired the old one.
                Eventually.await("n1 re-registered under the new session", Duration.ofSeconds(30), () -> {
                    try {
                        Stat st = observer.curator().checkExists().forPath("/nodes/n1");
                        return st != null && st.getEphemeralOwner() == store.sessionId();
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertEquals(List.of("n1"), observer.children(NodeRegistry.NODES));
            }
        }
    }
}

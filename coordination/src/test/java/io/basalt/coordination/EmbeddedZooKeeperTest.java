package io.basalt.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedZooKeeperTest {
    record Thing(String name, int size) {
    }

    @TempDir
    Path dir;

    private static ClusterStore connect(EmbeddedZooKeeper zk) throws InterruptedException {
        ClusterStore store = ClusterStore.create(zk.connectString(), ClusterStore.Settings.defaults(), new ObjectMapper());
        store.start();
        assertTrue(store.awaitConnected(Duration.ofSeconds(10)), "connected");
        return store;
    }

    @Test
    void listensOnLoopbackOnlyAndKeepsItsPortAcrossRestarts() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, 0)) {
            zk.start();
            int port = zk.port();
            assertTrue(port > 0);
            assertTrue(zk.boundAddress().getAddress().isLoopbackAddress(), "bound to " + zk.boundAddress());
            assertTrue(zk.connectString().startsWith("127.0.0.1:"));
            zk.stop();
            assertFalse(zk.isRunning());
            zk.start();
            assertEquals(port, zk.port());
            assertTrue(zk.isRunning());
        }
    }

    @Test
    void dataSurvivesRestartOnTheSameDirectory() throws Exception {
        int port;
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, 0)) {
            zk.start();
            port = zk.port();
            try (ClusterStore store = connect(zk)) {
                store.create("/things/a", new Thing("a", 1));
                store.update("/things/a", new Thing("a", 2), 0);
            }
            zk.stop();
            zk.start();
            try (ClusterStore store = connect(zk)) {
                assertEquals(new Versioned<>(new Thing("a", 2), 1), store.read("/things/a", Thing.class).orElseThrow());
                store.create("/things/b", new Thing("b", 3));
            }
        }
        // A new server object (as after a process restart) on the same directory and port.
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, port)) {
            zk.start();
            try (ClusterStore store = connect(zk)) {
                assertEquals(java.util.List.of("a", "b"), store.children("/things"));
                assertEquals(3, store.read("/things/b", Thing.class).orElseThrow().value().size());
            }
        }
    }
}

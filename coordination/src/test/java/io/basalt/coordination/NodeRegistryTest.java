package io.basalt.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRegistryTest {
    @TempDir
    Path dir;

    private static ClusterStore connect(EmbeddedZooKeeper zk) throws InterruptedException {
        ClusterStore s = ClusterStore.create(zk.connectString(), ClusterStore.Settings.defaults(), new ObjectMapper());
        s.start();
        assertTrue(s.awaitConnected(Duration.ofSeconds(10)));
        return s;
    }

    @Test
    void liveNodesAreListedAndAClosedOneDisappears() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, 0)) {
            zk.start();
            try (ClusterStore a = connect(zk); ClusterStore b = connect(zk)) {
                NodeInfo infoA = new NodeInfo("node-a", "rack1", List.of("http://127.0.0.1:8080"), List.of("127.0.0.1:3260"), 10);
                NodeInfo infoB = new NodeInfo("node-b", "rack2", List.of(), List.of(), 20);
                NodeRegistry ra = new NodeRegistry(a, infoA);
                NodeRegistry rb = new NodeRegistry(b, infoB);
                ra.start();
                rb.start();
                assertTrue(ra.awaitRegistered(Duration.ofSeconds(10)));
                assertTrue(rb.awaitRegistered(Duration.ofSeconds(10)));
                assertEquals(List.of(infoA, infoB), ra.nodes());

                NodeInfo moved = infoB.withIscsiPortals(List.of("127.0.0.1:3261"));
                rb.update(moved);
                Eventually.await("update visible", Duration.ofSeconds(5), () -> ra.node("node-b").orElseThrow().equals(moved));

                rb.close();
                assertEquals(List.of(infoA), ra.nodes());
                ra.close();
                assertEquals(List.of(), a.children(NodeRegistry.NODES));
            }
        }
    }
}

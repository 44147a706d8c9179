package io.basalt.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterStoreTest {
    record Counter(String name, long value) {
    }

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zk;
    static ClusterStore store;

    @BeforeAll
    static void up() throws Exception {
        zk = new EmbeddedZooKeeper(dir, 0);
        zk.start();
        store = ClusterStore.create(zk.connectString(), ClusterStore.Settings.defaults(), new ObjectMapper());
        store.start();
        assertTrue(store.awaitConnected(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void down() {
        store.close();
        zk.close();
    }

    @Test
    void recordsRoundTripAsJsonUnderTheBasaltNamespace() throws Exception {
        Versioned<Counter> v = store.create("/rt/one", new Counter("one", 7));
        assertEquals(0, v.version());
        assertEquals(Optional.of(new Versioned<>(new Counter("one", 7), 0)), store.read("/rt/one", Counter.class));
        byte[] raw = store.curator().getZookeeperClient().getZooKeeper().getData("/basalt/rt/one", false, null);
        assertEquals("{\"name\":\"one\",\"value\":7}", new String(raw, StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), store.read("/rt/missing", Counter.class));
    }

    @Test
    void createOfAnExistingRecordFailsWithAlreadyExists() {
        store.create("/dup/x", new Counter("x", 1));
        StoreException e = assertThrows(StoreException.class, () -> store.create("/dup/x", new Counter("x", 2)));
        assertEquals(StoreException.Kind.ALREADY_EXISTS, e.kind());
    }

    @Test
    void compareAndSetRefusesAStaleVersion() {
        store.create("/cas/c", new Counter("c", 0));
        assertEquals(1, store.update("/cas/c", new Counter("c", 1), 0).version());
        StoreException e = assertThrows(StoreException.class, () -> store.update("/cas/c", new Counter("c", 99), 0));
        assertEquals(StoreException.Kind.VERSION_CONFLICT, e.kind());
        assertEquals(1, store.read("/cas/c", Counter.class).orElseThrow().value().value());
        assertEquals(StoreException.Kind.NOT_FOUND,
                assertThrows(StoreException.class, () -> store.update("/cas/none", new Counter("n", 1), 0)).kind());
    }

    @Test
    void concurrentModifyLosesNoIncrement() throws Exception {
        store.create("/mod/n", new Counter("n", 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        store.modify("/mod/n", Counter.class, c -> new Counter(c.name(), c.value() + 1));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Versioned<Counter> v = store.read("/mod/n", Counter.class).orElseThrow();
        assertEquals(100, v.value().value());
        assertEquals(100, v.version());
    }

    @Test
    void deleteIsIdempotentButAVersionedDeleteChecksTheVersion() {
        store.create("/del/d", new Counter("d", 0));
        assertEquals(StoreException.Kind.VERSION_CONFLICT,
                assertThrows(StoreException.class, () -> store.delete("/del/d", 5)).kind());
        store.delete("/del/d", 0);
        assertFalse(store.delete("/del/d"));
        assertEquals(Optional.empty(), store.version("/del/d"));
    }

    @Test
    void childrenAreSortedAndAMissingParentHasNone() {
        store.create("/kids/b", new Counter("b", 2));
        store.create("/kids/a", new Counter("a", 1));
        assertEquals(List.of("a", "b"), store.children("/kids"));
        assertEquals(List.of("a", "b"), new ArrayList<>(store.readChildren("/kids", Counter.class).keySet()));
        assertEquals(List.of(), store.children("/no-such-parent"));
    }

    @Test
    void aTransactionWithAFailedCheckAppliesNothing() {
        store.ensurePath("/txn");
        store.create("/txn/guard", new Counter("g", 0));
        store.update("/txn/guard", new Counter("g", 1), 0);
        StoreException e = assertThrows(StoreException.class, () -> store.transaction()
                .create("/txn/new", new Counter("new", 1))
                .check("/txn/guard", 0)
                .commit());
        assertEquals(StoreException.Kind.VERSION_CONFLICT, e.kind());
        assertEquals(Optional.empty(), store.read("/txn/new", Counter.class));
        store.transaction().create("/txn/new", new Counter("new", 1)).check("/txn/guard", 1).touch("/txn").commit();
        assertTrue(store.read("/txn/new", Counter.class).isPresent());
    }

    @Test
    void undecodableRecordIsReportedCorruptWithoutQuotingIt() throws Exception {
        store.curator().create().creatingParentsIfNeeded().forPath("/bad/r", "{\"name\": s3cr3t".getBytes(StandardCharsets.UTF_8));
        StoreException e = assertThrows(StoreException.class, () -> store.read("/bad/r", Counter.class));
        assertEquals(StoreException.Kind.CORRUPT, e.kind());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void pathSegmentsCannotEscapeTheirParent() {
        assertEquals("/hosts/iqn.2026-01.com.example:host1", ClusterStore.path("hosts", "iqn.2026-01.com.example:host1"));
        assertThrows(IllegalArgumentException.class, () -> ClusterStore.path("hosts", ".."));
        assertThrows(IllegalArgumentException.class, () -> ClusterStore.path("hosts", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> ClusterStore.path("hosts", ""));
    }
}

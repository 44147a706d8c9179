package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.admin.config.BasaltConfiguration;
import io.basalt.admin.core.TargetExport;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node does when ZooKeeper goes away, and what survives a restart of the whole node. */
class OutageAndRestartTest {
    private static final String HOST = "iqn.1994-05.com.redhat:persistent";
    private static final String TARGET = "iqn.2026-11.io.basalt:keep";

    @TempDir
    Path data;

    private DropwizardTestSupport<BasaltConfiguration> app() {
        return new DropwizardTestSupport<>(TestApp.class, ResourceHelpers.resourceFilePath("basalt-test.yml"),
                ConfigOverride.config("basalt.dataDir", data.toString()));
    }

    @Test
    void aZooKeeperOutageIsUnhealthyAnd503ForClusterStateWhileVolumesKeepWorking() throws Exception {
        DropwizardTestSupport<BasaltConfiguration> app = app();
        app.before();
        try {
            Http http = new Http(app.getLocalPort());
            AdminBundle<BasaltConfiguration> bundle = app.<TestApp>getApplication().bundle;
            assertEquals(201, http.post("/volumes", "{\"name\":\"during\",\"sizeBytes\":4096}").status());

            bundle.zookeeper().stop();
            Eventually.await("session suspended", () -> !bundle.store().isConnected());
            Http.Reply health = http.get("/health");
            assertEquals(503, health.status(), health.body());
            assertFalse(health.json().get("checks").get("zookeeper").get("healthy").asBoolean());
            assertTrue(health.json().get("checks").get("engine").get("healthy").asBoolean());
            Http.Reply hosts = http.get("/hosts");
            assertEquals(503, hosts.status(), hosts.body());
            assertEquals("coordination_unavailable", hosts.json().get("error").asText());
            assertEquals(201, http.post("/volumes", "{\"name\":\"still\",\"sizeBytes\":4096}").status(), "the engine needs no ZooKeeper");
            JsonNode listed = http.get("/volumes").json();
            assertEquals(2, listed.size());
            assertFalse(listed.get(0).has("exported"), "unknown while ZooKeeper is away: " + listed);
            assertEquals(503, http.delete("/volumes/still").status(), "deleting must first know it is not exported");

            bundle.zookeeper().start();
            Eventually.await("healthy again", () -> http.get("/health").status() == 200);
            assertEquals(200, http.get("/hosts").status());
            assertEquals(204, http.delete("/volumes/still").status());
        } finally {
            app.after();
        }
    }

    @Test
    void exportsHostsAndDataSurviveANodeRestartAndAreDeliveredAtStartUp() throws Exception {
        byte[] block = AdminApiTest.pattern(4096, 9);
        DropwizardTestSupport<BasaltConfiguration> first = app();
        first.before();
        try {
            Http http = new Http(first.getLocalPort());
            assertEquals(201, http.post("/hosts", "{\"iqn\":\"" + HOST + "\",\"chap\":{\"user\":\"u\",\"secret\":\"Persistent-Secret-1\"}}").status());
            assertEquals(201, http.post("/volumes", "{\"name\":\"keep\",\"sizeBytes\":1048576}").status());
            assertEquals(201, http.post("/exports", "{\"volume\":\"keep\",\"initiators\":[\"" + HOST + "\"]}").status());
            first.<TestApp>getApplication().bundle.engine().volume("keep").write(0, ByteBuffer.wrap(block), true).get();
        } finally {
            first.after();
        }

        DropwizardTestSupport<BasaltConfiguration> second = app();
        second.before();
        try {
            TestApp app = second.getApplication();
            assertTrue(app.bundle.api().exportWatcher().awaitFirstDelivery(20, TimeUnit.SECONDS));
            Eventually.await("target delivered at start-up", () -> app.listener.targets.containsKey(TARGET));
            TargetExport t = app.listener.targets.get(TARGET);
            assertEquals("keep", t.volume());
            assertEquals("Persistent-Secret-1", t.chap().get(HOST).secret());

            Http http = new Http(second.getLocalPort());
            assertEquals(TARGET, http.get("/exports/keep").json().get("targetIqn").asText());
            assertTrue(http.get("/hosts/" + HOST).json().get("chap").get("secretSet").asBoolean());
            ByteBuffer back = ByteBuffer.allocate(4096);
            app.bundle.engine().volume("keep").read(0, back);
            assertArrayEquals(block, back.array());
            Eventually.await("node re-registered", () -> http.get("/nodes").json().size() == 1);
        } finally {
            second.after();
        }
    }
}

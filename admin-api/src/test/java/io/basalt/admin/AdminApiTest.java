package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.admin.config.BasaltConfiguration;
import io.basalt.engine.BlockEngine;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API over HTTP, with a real engine in a temp dir and a real embedded ZooKeeper. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminApiTest {
    private static final Path DATA = TestDirs.create("admin-api-test");
    static final DropwizardAppExtension<BasaltConfiguration> APP = new DropwizardAppExtension<>(TestApp.class,
            ResourceHelpers.resourceFilePath("basalt-test.yml"), ConfigOverride.config("basalt.dataDir", DATA.toString()));
    private static Http http;

    @BeforeAll
    static void client() {
        http = new Http(APP.getLocalPort());
    }

    private static BlockEngine engine() {
        return APP.<TestApp>getApplication().bundle.engine();
    }

    private static void assertError(Http.Reply r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        JsonNode j = r.json();
        assertEquals(status, j.get("code").asInt(), r.body());
        assertEquals(code, j.get("error").asText(), r.body());
        assertTrue(j.get("message").asText().length() > 0, r.body());
    }

    private static String volume(String name, long size) {
        return "{\"name\":\"" + name + "\",\"sizeBytes\":" + size + "}";
    }

    // ------------------------------------------------------------------ auth and routing

    @Test
    void pingIsTheOnlyPathWithoutAToken() {
        Http.Reply r = http.send("GET", "/ping", null, null);
        assertEquals(200, r.status());
        assertEquals("ok", r.json().get("status").asText());
    }

    @Test
    void missingOrWrongTokenIsRefusedWithTheErrorShapeAndABearerChallenge() {
        for (String token : new String[] {null, "wrong-token", Http.TOKEN + "x", ""}) {
            for (String path : List.of("/volumes", "/health", "/metrics", "/no/such/path", "/openapi.yaml")) {
                Http.Reply r = http.send("GET", path, null, token);
                assertError(r, 401, "unauthorized");
                assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"), r.raw().headers().toString());
            }
        }
        assertError(http.send("POST", "/volumes", volume("sneaky", 4096), null), 401, "unauthorized");
        assertEquals(404, http.get("/volumes/sneaky").status());
    }

    @Test
    void dropwizardsAdminConnectorNeedsTheTokenTooExceptPing() {
        Http admin = new Http(APP.getAdminPort());
        Http.Reply refused = admin.send("GET", "/healthcheck", null, null);
        assertError(refused, 401, "unauthorized");
        assertEquals(200, admin.send("GET", "/healthcheck", null, Http.TOKEN).status());
        assertEquals(200, admin.send("GET", "/ping", null, null).status());
    }

    @Test
    void unknownRoutesAndWrongMethodsAnswerInTheErrorShape() {
        assertError(http.get("/nothing-here"), 404, "not_found");
        Http.Reply r = http.send("PUT", "/volumes", "{}", Http.TOKEN);
        assertError(r, 405, "method_not_allowed");
        assertNotNull(r.header("Allow"));
    }

    // ------------------------------------------------------------------ validation

    @Test
    void malformedJsonIs400WithJson() {
        assertError(http.post("/volumes", "{\"name\": \"v\", sizeBytes"), 400, "malformed_json");
        Http.Reply wrongType = http.post("/volumes", "{\"name\":\"v\",\"sizeBytes\":\"big\"}");
        assertError(wrongType, 400, "invalid_json");
        assertEquals("sizeBytes", wrongType.json().get("field").asText());
        assertFalse(wrongType.body().contains("big"), "the value is not echoed: " + wrongType.body());
        Http.Reply typo = http.post("/volumes", "{\"name\":\"v\",\"sizebytes\":4096}");
        assertError(typo, 400, "unknown_field");
        assertEquals("sizebytes", typo.json().get("field").asText());
    }

    @Test
    void invalidFieldsAre422NamingTheField() {
        Http.Reply negative = http.post("/volumes", volume("neg", -4096));
        assertError(negative, 422, "validation_failed");
        assertEquals("sizeBytes", negative.json().get("field").asText());
        assertTrue(negative.json().get("message").asText().contains("sizeBytes"), negative.body());

        Http.Reply misaligned = http.post("/volumes", volume("odd", 4097));
        assertError(misaligned, 422, "validation_failed");
        assertEquals("sizeBytes", misaligned.json().get("field").asText());

        Http.Reply badName = http.post("/volumes", volume("bad name", 4096));
        assertEquals("name", badName.json().get("field").asText(), badName.body());

        Http.Reply missing = http.post("/volumes", "{\"name\":\"nosize\"}");
        assertError(missing, 422, "validation_failed");
        assertEquals("sizeBytes", missing.json().get("field").asText());

        assertError(http.send("POST", "/volumes", null, Http.TOKEN), 422, "validation_failed");
        assertError(http.post("/volumes", "{\"name\":\"r3\",\"sizeBytes\":4096,\"replicas\":3}"), 422, "validation_failed");
    }

    @Test
    void twoReplicasAreRefusedUntilReplicationExists() {
        assertError(http.post("/volumes", "{\"name\":\"r2\",\"sizeBytes\":4096,\"replicas\":2}"), 422, "replication_unavailable");
        assertEquals(404, http.get("/volumes/r2").status());
    }

    // ------------------------------------------------------------------ volumes

    @Test
    void createIsIdempotentAndAConflictingSpecIs409() {
        Http.Reply first = http.post("/volumes", volume("idem", 1 << 20));
        assertEquals(201, first.status(), first.body());
        assertTrue(first.header("Location").endsWith("/volumes/idem"));
        JsonNode v = first.json();
        assertEquals(1 << 20, v.get("sizeBytes").asLong());
        assertEquals(1, v.get("replicas").asInt());
        assertFalse(v.get("exported").asBoolean());

        Http.Reply again = http.post("/volumes", volume("idem", 1 << 20));
        assertEquals(200, again.status());
        assertEquals(v.get("id"), again.json().get("id"));

        assertError(http.post("/volumes", volume("idem", 2 << 20)), 409, "volume_exists");
        assertError(http.post("/volumes", "{\"name\":\"idem\",\"sizeBytes\":1048576,\"compression\":true}"), 409, "volume_exists");
    }

    @Test
    void deleteIsIdempotent() {
        assertEquals(201, http.post("/volumes", volume("gone", 4096)).status());
        assertEquals(204, http.delete("/volumes/gone").status());
        assertEquals(204, http.delete("/volumes/gone").status());
        assertEquals(204, http.delete("/volumes/never-was").status());
        assertError(http.get("/volumes/gone"), 404, "volume_not_found");
    }

    @Test
    void listAndGetShowUsage() throws Exception {
        http.post("/volumes", volume("used", 1 << 20));
        engine().volume("used").write(0, ByteBuffer.wrap(pattern(8192, 7)), true).get();
        JsonNode v = http.get("/volumes/used").json();
        assertEquals(1 << 20, v.get("usage").get("provisionedBytes").asLong());
        Eventually.await("stored bytes counted", () -> http.get("/volumes/used").json().get("usage").get("storedBytes").asLong() >= 8192);
        JsonNode list = http.get("/volumes").json();
        assertTrue(list.isArray());
        assertTrue(list.findValuesAsText("name").contains("used"));
    }

    @Test
    void resizeGrowsOnlineAndShrinksOnlyWhenAllowed() {
        http.post("/volumes", volume("grow", 1 << 20));
        Http.Reply grown = http.patch("/volumes/grow", "{\"sizeBytes\":2097152}");
        assertEquals(200, grown.status(), grown.body());
        assertEquals(2 << 20, grown.json().get("sizeBytes").asLong());
        assertError(http.patch("/volumes/grow", "{\"sizeBytes\":1048576}"), 422, "shrink_refused");
        assertEquals(1 << 20, http.patch("/volumes/grow", "{\"sizeBytes\":1048576,\"allowShrink\":true}").json().get("sizeBytes").asLong());
        assertError(http.patch("/volumes/nope", "{\"sizeBytes\":4096}"), 404, "volume_not_found");
        assertError(http.patch("/volumes/grow", "{\"sizeBytes\":0}"), 422, "validation_failed");
    }

    // ------------------------------------------------------------------ snapshots, revert, clones

    @Test
    void snapshotsAreListedAsATree() {
        http.post("/volumes", volume("tree", 1 << 20));
        assertEquals(201, http.post("/volumes/tree/snapshots", "{\"name\":\"s1\"}").status());
        assertEquals(201, http.post("/volumes/tree/snapshots", "{\"name\":\"s2\"}").status());
        assertEquals(200, http.post("/volumes/tree/snapshots/s1/revert", null).status());
        assertEquals(201, http.post("/volumes/tree/snapshots", "{\"name\":\"s3\"}").status());
        assertEquals(200, http.post("/volumes/tree/snapshots", "{\"name\":\"s3\"}").status(), "idempotent");

        JsonNode tree = http.get("/volumes/tree/snapshots").json();
        assertEquals(1, tree.size(), tree.toString());
        JsonNode root = tree.get(0);
        assertEquals("s1", root.get("name").asText());
        List<String> kids = root.get("children").findValuesAsText("name");
        assertEquals(List.of("s2", "s3"), kids, tree.toString());
        assertEquals("s1", root.get("children").get(1).get("parent").asText());

        JsonNode one = http.get("/volumes/tree/snapshots/s2").json();
        assertTrue(one.has("exclusiveBytes"), one.toString());
        assertEquals("s3", http.get("/volumes/tree").json().get("parentSnapshot").get("snapshot").asText(), "the newest snapshot");
    }

    @Test
    void snapshotErrorsAndIdempotentDelete() {
        assertError(http.post("/volumes/nowhere/snapshots", "{\"name\":\"s\"}"), 404, "volume_not_found");
        http.post("/volumes", volume("snaperr", 4096));
        assertError(http.get("/volumes/snaperr/snapshots/missing"), 404, "snapshot_not_found");
        assertError(http.post("/volumes/snaperr/snapshots/missing/revert", null), 404, "snapshot_not_found");
        assertEquals(204, http.delete("/volumes/snaperr/snapshots/missing").status());
        assertEquals(204, http.delete("/volumes/nowhere/snapshots/missing").status());
        http.post("/volumes/snaperr/snapshots", "{\"name\":\"s\"}");
        assertEquals(204, http.delete("/volumes/snaperr/snapshots/s").status());
        assertEquals(0, http.get("/volumes/snaperr/snapshots").json().size());
    }

    @Test
    void revertThroughTheApiBringsBackTheSnapshotsData() throws Exception {
        http.post("/volumes", volume("rev", 1 << 20));
        byte[] a = pattern(16384, 1);
        byte[] b = pattern(16384, 2);
        engine().volume("rev").write(4096, ByteBuffer.wrap(a), true).get();
        assertEquals(201, http.post("/volumes/rev/snapshots", "{\"name\":\"before\"}").status());
        engine().volume("rev").write(4096, ByteBuffer.wrap(b), true).get();
        assertArrayEquals(b, read("rev", 4096, b.length));

        Http.Reply r = http.post("/volumes/rev/snapshots/before/revert", null);
        assertEquals(200, r.status(), r.body());
        assertArrayEquals(a, read("rev", 4096, a.length));
    }

    @Test
    void cloneThroughTheApiReadsTheSnapshotsDataAndIsIdempotent() throws Exception {
        http.post("/volumes", volume("origin", 1 << 20));
        byte[] a = pattern(8192, 3);
        engine().volume("origin").write(0, ByteBuffer.wrap(a), true).get();
        http.post("/volumes/origin/snapshots", "{\"name\":\"gold\"}");
        engine().volume("origin").write(0, ByteBuffer.wrap(pattern(8192, 4)), true).get();

        Http.Reply c = http.post("/volumes/origin/snapshots/gold/clones", "{\"name\":\"copy\"}");
        assertEquals(201, c.status(), c.body());
        assertTrue(c.header("Location").endsWith("/volumes/copy"));
        assertEquals("gold", c.json().get("parentSnapshot").get("snapshot").asText());
        assertArrayEquals(a, read("copy", 0, a.length));
        assertEquals(200, http.post("/volumes/origin/snapshots/gold/clones", "{\"name\":\"copy\"}").status());

        http.post("/volumes/origin/snapshots", "{\"name\":\"silver\"}");
        assertError(http.post("/volumes/origin/snapshots/silver/clones", "{\"name\":\"copy\"}"), 409, "volume_exists");
        assertError(http.post("/volumes/origin/snapshots/none/clones", "{\"name\":\"copy2\"}"), 404, "snapshot_not_found");
    }

    // ------------------------------------------------------------------ operations, stats, nodes, health, metrics

    @Test
    void scrubAndCleanRunAsOperationsWithAStatusResource() {
        http.post("/volumes", volume("scrubbed", 1 << 20));
        Http.Reply started = http.post("/volumes/scrubbed/scrub", null);
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        assertTrue(started.header("Location").endsWith("/operations/" + id));
        JsonNode done = awaitOperation(id);
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        assertEquals(1.0, done.get("progress").asDouble());
        assertTrue(done.get("result").get("clean").asBoolean());

        Http.Reply clean = http.post("/maintenance/clean", null);
        assertEquals(202, clean.status());
        JsonNode cleaned = awaitOperation(clean.json().get("id").asText());
        assertEquals("succeeded", cleaned.get("state").asText(), cleaned.toString());
        assertTrue(cleaned.get("result").has("segmentsCleaned"));

        assertEquals(202, http.post("/maintenance/reclaim", null).status());
        assertTrue(http.get("/operations").json().findValuesAsText("id").contains(id));
        assertError(http.get("/operations/no-such-op"), 404, "operation_not_found");
        assertError(http.post("/volumes/absent/scrub", null), 404, "volume_not_found");
    }

    private static JsonNode awaitOperation(String id) {
        Eventually.await("operation " + id, () -> {
            String s = http.get("/operations/" + id).json().get("state").asText();
            return s.equals("succeeded") || s.equals("failed");
        });
        return http.get("/operations/" + id).json();
    }

    @Test
    void statsNodesAndHealth() {
        http.post("/volumes", volume("counted", 3 << 20));
        JsonNode stats = http.get("/stats").json();
        assertTrue(stats.get("provisionedBytes").asLong() >= 3 << 20, stats.toString());
        assertTrue(stats.get("capacity").get("totalBytes").asLong() > 0);
        assertTrue(stats.get("engine").has("segments"));

        JsonNode nodes = http.get("/nodes").json();
        assertEquals(1, nodes.size(), nodes.toString());
        assertEquals("test-node", nodes.get(0).get("nodeId").asText());
        assertTrue(nodes.get(0).get("self").asBoolean());
        assertEquals("zone-a", nodes.get(0).get("zone").asText());

        Http.Reply health = http.get("/health");
        assertEquals(200, health.status(), health.body());
        JsonNode checks = health.json().get("checks");
        for (String c : List.of("zookeeper", "engine", "free-space")) {
            assertTrue(checks.get(c).get("healthy").asBoolean(), health.body());
        }
    }

    @Test
    void prometheusEndpointExportsPerVolumeAndEngineMetrics() {
        http.post("/volumes", volume("metered.vol", 1 << 20));
        APP.<TestApp>getApplication().bundle.api().volumeMetrics().recordRead("metered.vol", 4096, 250_000);
        APP.<TestApp>getApplication().bundle.api().volumeMetrics().recordWrite("metered.vol", 8192, 1_000_000);
        APP.<TestApp>getApplication().bundle.api().volumeMetrics().sessionOpened();
        Http.Reply r = http.get("/metrics");
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        String text = r.body();
        assertTrue(text.contains("basalt_volume_operations_total{op=\"read\",volume=\"metered.vol\"} 1"), text);
        assertTrue(text.contains("basalt_volume_bytes_total{op=\"write\",volume=\"metered.vol\"} 8192"), text);
        assertTrue(text.contains("basalt_volume_latency_seconds_count{op=\"write\",volume=\"metered.vol\"} 1"), text);
        assertTrue(text.contains("basalt_engine_segments "), text);
        assertTrue(text.contains("basalt_iscsi_sessions"), text);
        assertFalse(text.contains("basalt_volume_metered"), "per-volume names stay out of metric names");
    }

    @Test
    void openApiDocumentIsServed() throws IOException {
        Http.Reply r = http.get("/openapi.yaml");
        assertEquals(200, r.status());
        try (InputStream in = AdminApiTest.class.getResourceAsStream("/openapi.yaml")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), r.body());
        }
        assertTrue(r.body().startsWith("openapi: 3.0"));
    }

    // ------------------------------------------------------------------ helpers

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >> 9));
        }
        return b;
    }

    private static byte[] read(String volume, long offset, int length) {
        ByteBuffer dst = ByteBuffer.allocate(length);
        engine().volume(volume).read(offset, dst);
        return Arrays.copyOf(dst.array(), length);
    }

    static {
        assertTrue(Files.isDirectory(DATA));
    }
}

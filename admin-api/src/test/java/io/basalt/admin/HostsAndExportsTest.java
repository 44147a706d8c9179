package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.admin.config.BasaltConfiguration;
import io.basalt.admin.core.ChapSecrets;
import io.basalt.admin.core.TargetExport;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hosts with CHAP, discovery CHAP and exports; what the iSCSI layer is told; secrets kept secret. */
@ExtendWith(DropwizardExtensionsSupport.class)
class HostsAndExportsTest {
    private static final Path DATA = TestDirs.create("hosts-exports-test");
    static final DropwizardAppExtension<BasaltConfiguration> APP = new DropwizardAppExtension<>(TestApp.class,
            ResourceHelpers.resourceFilePath("basalt-test.yml"), ConfigOverride.config("basalt.dataDir", DATA.toString()));
    private static final String PREFIX = "iqn.2026-11.io.basalt:";
    private static Http http;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        http = new Http(APP.getLocalPort());
        logs = LogCapture.attach();
    }

    @AfterAll
    static void stop() {
        logs.close();
    }

    private static RecordingListener listener() {
        return APP.<TestApp>getApplication().listener;
    }

    private static void assertError(Http.Reply r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.json().get("error").asText(), r.body());
        assertEquals(status, r.json().get("code").asInt());
    }

    private static String host(String iqn, String user, String secret, String mutualUser, String mutualSecret) {
        String chap = user == null ? "" : ",\"chap\":{\"user\":\"" + user + "\",\"secret\":\"" + secret + "\""
                + (mutualUser == null ? "" : ",\"mutualUser\":\"" + mutualUser + "\",\"mutualSecret\":\"" + mutualSecret + "\"") + "}";
        return "{\"iqn\":\"" + iqn + "\"" + chap + "}";
    }

    @Test
    void chapSecretsAreWriteOnlyAndNeverLogged() {
        String iqn = "iqn.1994-05.com.redhat:secret-host";
        String secret = "Initiator-Secret-7f3a9c";
        String mutual = "Target-Mutual-Secret-41b2";
        String rotated = "Rotated-Secret-0c55e1d2";
        String discovery = "Discovery-Secret-93ad77";
        String discoveryMutual = "Discovery-Mutual-1e0f2c";
        List<String> secrets = List.of(secret, mutual, rotated, discovery, discoveryMutual);

        Http.Reply created = http.post("/hosts", host(iqn, "alice", secret, "basalt", mutual));
        assertEquals(201, created.status(), created.body());
        JsonNode chap = created.json().get("chap");
        assertEquals("alice", chap.get("user").asText());
        assertTrue(chap.get("secretSet").asBoolean());
        assertEquals("basalt", chap.get("mutualUser").asText());
        assertTrue(chap.get("mutualSecretSet").asBoolean());
        assertFalse(chap.has("secret"));
        assertFalse(chap.has("mutualSecret"));

        assertEquals(200, http.post("/hosts", host(iqn, "alice", secret, "basalt", mutual)).status(), "same spec again");
        assertError(http.post("/hosts", host(iqn, "alice", "A-Different-Secret-1", "basalt", mutual)), 409, "host_exists");
        assertEquals(200, http.get("/hosts/" + iqn).status());
        assertEquals(200, http.get("/hosts").status());
        Http.Reply rotatedReply = http.put("/hosts/" + iqn + "/chap", "{\"user\":\"alice\",\"secret\":\"" + rotated + "\"}");
        assertEquals(200, rotatedReply.status(), rotatedReply.body());
        assertFalse(rotatedReply.json().get("chap").get("mutualSecretSet").asBoolean());
        Http.Reply disc = http.put("/discovery-chap", "{\"user\":\"disc\",\"secret\":\"" + discovery
                + "\",\"mutualUser\":\"portal\",\"mutualSecret\":\"" + discoveryMutual + "\"}");
        assertEquals(200, disc.status(), disc.body());
        assertTrue(http.get("/discovery-chap").json().get("enabled").asBoolean());
        http.post("/volumes", "{\"name\":\"secret-vol\",\"sizeBytes\":4096}");
        assertEquals(201, http.post("/exports", "{\"volume\":\"secret-vol\",\"initiators\":[\"" + iqn + "\"]}").status());
        http.get("/exports");
        // A secret that fails validation is not echoed either.
        Http.Reply tooShort = http.post("/hosts", host("iqn.1994-05.com.redhat:other", "bob", "short-1", null, null));
        assertError(tooShort, 422, "validation_failed");
        assertEquals("chap.secret", tooShort.json().get("field").asText());
        assertFalse(tooShort.body().contains("short-1"));
        Eventually.await("the listener got the rotated secret", () -> {
            TargetExport t = listener().targets.get(PREFIX + "secret-vol");
            return t != null && t.chap().containsKey(iqn) && t.chap().get(iqn).secret().equals(rotated);
        });
        // The listener did receive them (it must, to run CHAP), but its values do not print them.
        assertFalse(listener().targets.get(PREFIX + "secret-vol").toString().contains(rotated));
        assertFalse(listener().discovery.get(iqn).toString().contains(discovery));

        http.delete("/exports/secret-vol");
        for (String body : http.seen) {
            for (String s : secrets) {
                assertFalse(body.contains(s), "a response carried a secret: " + body);
            }
        }
        List<String> lines = logs.lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("registered host " + iqn) && l.contains("secrets=***")),
                "the capture sees the app's audit lines: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("serving TargetExport")), "and the watcher's deliveries: " + lines);
        for (String line : lines) {
            for (String s : secrets) {
                for (String form : List.of(s, HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8)),
                        Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)))) {
                    assertFalse(line.contains(form), "a log line carried a secret: " + line);
                }
            }
        }
    }

    @Test
    void chapValidation() {
        String iqn = "iqn.1994-05.com.redhat:valid";
        Http.Reply same = http.post("/hosts", host(iqn, "u", "Same-Secret-Both-Ways", "t", "Same-Secret-Both-Ways"));
        assertError(same, 422, "validation_failed");
        assertEquals("chap.mutualSecret", same.json().get("field").asText());
        Http.Reply half = http.post("/hosts", "{\"iqn\":\"" + iqn + "\",\"chap\":{\"user\":\"u\",\"secret\":\"Twelve-Chars-Ok\",\"mutualUser\":\"t\"}}");
        assertError(half, 422, "validation_failed");
        assertEquals("chap.mutualSecret", half.json().get("field").asText());
        Http.Reply badIqn = http.post("/hosts", host("IQN.Not-Lower:Case", null, null, null, null));
        assertError(badIqn, 422, "validation_failed");
        assertEquals("iqn", badIqn.json().get("field").asText());
        assertError(http.get("/hosts/" + iqn), 404, "host_not_found");
        assertEquals(204, http.delete("/hosts/" + iqn).status(), "deleting a missing host is fine");
        assertEquals(204, http.delete("/hosts/not..an..iqn").status());
    }

    @Test
    void exportLifecycleReachesTheIscsiLayer() {
        String h1 = "iqn.1991-05.com.microsoft:win-1";
        String h2 = "iqn.1994-05.com.redhat:linux-2";
        assertEquals(201, http.post("/hosts", host(h1, "win1", "Windows-Secret-12", null, null)).status());
        assertEquals(201, http.post("/hosts", host(h2, null, null, null, null)).status());
        assertEquals(201, http.post("/volumes", "{\"name\":\"Data.Vol\",\"sizeBytes\":1048576}").status());

        String body = "{\"volume\":\"Data.Vol\",\"initiators\":[\"" + h2 + "\",\"" + h1 + "\"],\"lun\":3}";
        Http.Reply created = http.post("/exports", body);
        assertEquals(201, created.status(), created.body());
        JsonNode e = created.json();
        assertEquals(PREFIX + "data.vol", e.get("targetIqn").asText());
        assertEquals(3, e.get("lun").asInt());
        assertEquals(List.of("127.0.0.1:3260"), List.of(e.get("portals").get(0).asText()));
        assertEquals("test-node", e.get("nodeId").asText());
        assertEquals(200, http.post("/exports", body).status(), "idempotent");
        assertError(http.post("/exports", "{\"volume\":\"Data.Vol\",\"initiators\":[\"" + h1 + "\"]}"), 409, "export_exists");
        assertError(http.post("/exports", "{\"volume\":\"nope\",\"initiators\":[\"" + h1 + "\"]}"), 422, "unknown_volume");
        http.post("/volumes", "{\"name\":\"other\",\"sizeBytes\":4096}");
        assertError(http.post("/exports", "{\"volume\":\"other\",\"initiators\":[\"iqn.2000-01.com.example:stranger\"]}"), 422, "unknown_host");
        assertError(http.post("/exports", "{\"volume\":\"other\",\"initiators\":[]}"), 422, "validation_failed");
        assertTrue(http.get("/volumes/Data.Vol").json().get("exported").asBoolean());
        assertEquals(List.of("Data.Vol"), List.of(http.get("/hosts/" + h1).json().get("exports").get(0).asText()));

        Eventually.await("target delivered", () -> listener().targets.containsKey(PREFIX + "data.vol"));
        TargetExport t = listener().targets.get(PREFIX + "data.vol");
        assertEquals("Data.Vol", t.volume());
        assertEquals(3, t.lun());
        assertEquals(Set.of(h1, h2), t.initiators());
        assertEquals(Set.of(h1), t.chap().keySet(), "only the host with CHAP must use it");
        assertEquals("win1", t.chap().get(h1).user());

        assertError(http.delete("/volumes/Data.Vol"), 409, "volume_exported");
        assertEquals(201, http.post("/volumes/Data.Vol/snapshots", "{\"name\":\"s\"}").status());
        assertError(http.post("/volumes/Data.Vol/snapshots/s/revert", null), 409, "volume_exported");
        assertError(http.delete("/hosts/" + h1), 409, "host_in_use");

        assertEquals(200, http.put("/hosts/" + h1 + "/chap", "{\"user\":\"win1\",\"secret\":\"Windows-Secret-34\"}").status());
        Eventually.await("rotated CHAP delivered", () -> listener().targets.get(PREFIX + "data.vol").chap().get(h1).secret().equals("Windows-Secret-34"));
        assertEquals(204, http.delete("/hosts/" + h1 + "/chap").status());
        Eventually.await("CHAP dropped", () -> listener().targets.get(PREFIX + "data.vol").chap().isEmpty());

        assertEquals(204, http.delete("/exports/Data.Vol").status());
        assertEquals(204, http.delete("/exports/Data.Vol").status(), "idempotent");
        assertError(http.get("/exports/Data.Vol"), 404, "export_not_found");
        Eventually.await("target removed", () -> !listener().targets.containsKey(PREFIX + "data.vol"));
        assertTrue(listener().calls.contains("remove " + PREFIX + "data.vol"));
        assertEquals(204, http.delete("/hosts/" + h1).status());
        assertEquals(204, http.delete("/volumes/Data.Vol").status());
    }

    @Test
    void discoveryChapIsDeliveredForEveryRegisteredHost() {
        String h = "iqn.2001-04.com.example:disc-host";
        assertEquals(201, http.post("/hosts", host(h, null, null, null, null)).status());
        assertEquals(200, http.put("/discovery-chap", "{\"user\":\"d\",\"secret\":\"Discovery-Secret-X1\"}").status());
        Eventually.await("discovery CHAP delivered", () -> {
            ChapSecrets c = listener().discovery.get(h);
            return c != null && c.secret().equals("Discovery-Secret-X1");
        });
        assertEquals(204, http.delete("/discovery-chap").status());
        assertFalse(http.get("/discovery-chap").json().get("enabled").asBoolean());
        assertNull(http.get("/discovery-chap").json().get("chap").textValue());
        Eventually.await("discovery CHAP cleared", () -> !listener().discovery.containsKey(h));
        assertEquals(204, http.delete("/discovery-chap").status(), "idempotent");
    }
}

package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance as an administrator and a host see it: the packaged jar started as its own
 * process, driven through the REST API (java.net.http) and basaltctl (python3), its volumes
 * read and written by QEMU's iSCSI initiator with CHAP, stopped with SIGTERM and started again
 * on the same data.
 *
 * <p>The tests share one daemon and run in order: the secrets test looks at everything the
 * earlier ones made the daemon answer and log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    private static final long MIB = 1 << 20;
    private static final String HOST_IQN = "iqn.2026-11.test:e2e-client";
    private static final String CHAP_USER = "e2e-client";
    private static final String TOKEN = "e2e-token-" + random();
    private static final String CHAP_SECRET = "chap-" + random();
    private static final String DISCOVERY_SECRET = "disc-" + random();
    private static final String ROTATED_SECRET = "rot-" + random();
    private static final String WRONG_TOKEN = "wrong-token-" + random();
    private static final int OLD = 0xa5;
    private static final int NEW = 0x5a;

    @TempDir
    static Path dir;
    private DaemonProcess daemon;
    private Api api;
    private Basaltctl ctl;
    private Initiator initiator;

    @BeforeAll
    void start() throws Exception {
        Initiator.require();
        Command.require("python3");
        daemon = new DaemonProcess(Artifacts.jar(), Files.createDirectories(dir.resolve("node")), TOKEN);
        daemon.start();
        api = new Api(daemon.apiUrl(), TOKEN);
        ctl = new Basaltctl(Artifacts.basaltctl(), daemon.apiUrl(), TOKEN);
        initiator = new Initiator(daemon.portal(), HOST_IQN, CHAP_USER, CHAP_SECRET);
    }

    @AfterAll
    void stop() throws Exception {
        daemon.close();
    }

    @Test
    @Order(1)
    void requestsWithoutATokenOrWithAWrongOneAreRefusedWith401() throws Exception {
        Api.Reply none = api.withToken(null).get("/volumes").expect(401);
        assertEquals("unauthorized", none.json().path("error").asText(), none.body());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().map()::toString);
        assertEquals(401, api.withToken(WRONG_TOKEN).get("/volumes").status());
        assertEquals(401, api.withToken(WRONG_TOKEN).post("/volumes", Map.of("name", "sneaky", "sizeBytes", MIB)).status());
        api.get("/volumes/sneaky").expect(404);
        api.withToken(null).get("/ping").expect(200);

        Command.Result cli = ctl.command("volume", "list").env("BASALT_TOKEN", WRONG_TOKEN).run();
        assertEquals(1, cli.exit(), cli::all);
        assertTrue(cli.err().contains("unauthorized"), cli::all);
    }

    @Test
    @Order(2)
    void basaltctlExitsWith1OnApiErrorsAnd2OnUsageErrors() throws Exception {
        Command.Result missing = ctl.run("volume", "show", "no-such-volume");
        assertEquals(1, missing.exit(), missing::all);
        assertTrue(missing.err().contains("volume_not_found"), missing::all);
        assertEquals("", missing.out());

        assertEquals(2, ctl.run("volume", "create", "v", "lots").exit());
        assertEquals(2, ctl.run("volume", "frobnicate").exit());
        Command.Result noSecret = ctl.run("host", "create", "iqn.2026-11.test:nosecret", "--chap-user", "x");
        assertEquals(2, noSecret.exit(), noSecret::all);
        assertTrue(noSecret.err().contains("--chap-secret-file"), noSecret::all);
        api.get("/hosts/" + Api.segment("iqn.2026-11.test:nosecret")).expect(404);

        Command.Result unreachable = ctl.run("--url", "http://127.0.0.1:1", "stats");
        assertEquals(1, unreachable.exit(), unreachable::all);
        assertTrue(unreachable.err().contains("cannot reach"), unreachable::all);
    }

    @Test
    @Order(3)
    void basaltctlFindsTheTokenInTheEnvFileAndPrintsRawJson() throws Exception {
        Path env = dir.resolve("basalt.env");
        Files.writeString(env, "# as the package writes it\nBASALT_ADMIN_TOKEN=" + TOKEN + "\n");
        Command.Result r = ctl.command("--json", "stats").env("BASALT_TOKEN", "").env("BASALT_ENV_FILE", env.toString()).ok();
        assertTrue(Api.JSON.readTree(r.out()).has("capacity"), r::all);

        Command.Result nodes = ctl.ok("--json", "node", "list");
        JsonNode self = Api.JSON.readTree(nodes.out()).get(0);
        assertEquals("e2e-node", self.path("nodeId").asText(), nodes::all);
        assertTrue(self.path("iscsiPortals").toString().contains(daemon.portal()), nodes::all);
    }

    @Test
    @Order(4)
    void discoveryChapIsSetFromStandardInputAndShownAsAFlagOnly() throws Exception {
        ctl.command("discovery-chap", "set", "--chap-user", "discovery", "--chap-secret-file", "-").stdin(DISCOVERY_SECRET + "\n").ok();
        JsonNode view = api.get("/discovery-chap").expect(200).json();
        assertTrue(view.path("enabled").asBoolean(), view::toString);
        assertTrue(view.path("chap").path("secretSet").asBoolean(), view::toString);
        assertTrue(ctl.ok("discovery-chap").out().contains("required"));
        ctl.ok("discovery-chap", "disable");
        assertFalse(api.get("/discovery-chap").expect(200).json().path("enabled").asBoolean());
    }

    @Test
    @Order(5)
    void volumeDataSnapshotCloneAndRevertWorkOverIscsiAndSurviveASigtermRestart() throws Exception {
        String volume = createVolumeHostAndExportWithBasaltctl();
        initiator.write(volume, OLD, MIB, 0, 32 * MIB);
        initiator.verify(volume, OLD, MIB, 0, 32 * MIB);

        ctl.ok("snapshot", "create", "vol1", "before");
        initiator.write(volume, NEW, MIB, 0, 32 * MIB);

        String clone = cloneTheSnapshotAndExportItOverHttp();
        initiator.verify(clone, OLD, MIB, 0, 32 * MIB);
        initiator.verify(volume, NEW, MIB, 0, 32 * MIB);
        assertIscsiTrafficIsMetered();

        revertWhileUnexported();
        initiator.verify(volume, OLD, MIB, 0, 32 * MIB);
        assertTrue(ctl.ok("snapshot", "list", "vol1").out().startsWith("before "));

        int exit = daemon.stop();
        assertExitedCleanly(exit, daemon.currentLog());
        daemon.start();

        assertEverythingIsStillThere();
        initiator.verify(volume, OLD, MIB, 0, 32 * MIB);
        initiator.verify(clone, OLD, MIB, 0, 32 * MIB);
        initiator.write(clone, 0x3c, MIB, 8 * MIB);
        initiator.verify(clone, 0x3c, MIB, 8 * MIB);
        initiator.verify(volume, 0, MIB, 8 * MIB);
    }

    /** The iSCSI layer reports every read and write it served to the per-volume metrics. */
    private void assertIscsiTrafficIsMetered() throws Exception {
        String text = api.get("/metrics").expect(200).body();
        for (String op : List.of("read", "write")) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("basalt_volume_bytes_total\\{op=\"" + op + "\",volume=\"vol1\"\\} ([0-9.eE+]+)").matcher(text);
            assertTrue(m.find(), "no " + op + " bytes for vol1 in /metrics:\n" + text);
            // two 1 MiB extents written twice (OLD, NEW) and read back twice so far
            assertTrue(Double.parseDouble(m.group(1)) >= 4 * MIB, op + " bytes of vol1: " + m.group(1));
        }
    }

    private String createVolumeHostAndExportWithBasaltctl() throws Exception {
        ctl.ok("volume", "create", "vol1", "64M");
        assertEquals(64 * MIB, api.get("/volumes/vol1").expect(200).json().path("sizeBytes").asLong());

        Path secretFile = dir.resolve("chap-secret");
        Files.writeString(secretFile, CHAP_SECRET + "\n");
        ctl.ok("host", "create", HOST_IQN, "--chap-user", CHAP_USER, "--chap-secret-file", secretFile.toString());
        JsonNode chap = api.get("/hosts/" + Api.segment(HOST_IQN)).expect(200).json().path("chap");
        assertEquals(CHAP_USER, chap.path("user").asText(), chap::toString);
        assertTrue(chap.path("secretSet").asBoolean(), chap::toString);

        ctl.ok("export", "create", "vol1", "--initiator", HOST_IQN);
        JsonNode export = api.get("/exports/vol1").expect(200).json();
        assertTrue(export.path("portals").toString().contains(daemon.portal()), export::toString);
        assertEquals("iqn.2026-11.io.basalt:vol1", export.path("targetIqn").asText());
        return export.path("targetIqn").asText();
    }

    private String cloneTheSnapshotAndExportItOverHttp() throws Exception {
        JsonNode clone = api.post("/volumes/vol1/snapshots/before/clones", Map.of("name", "vol1-clone")).expect(201).json();
        assertEquals("vol1", clone.path("parentSnapshot").path("volume").asText(), clone::toString);
        JsonNode export = api.post("/exports", Map.of("volume", "vol1-clone", "initiators", List.of(HOST_IQN))).expect(201).json();
        return export.path("targetIqn").asText();
    }

    private void revertWhileUnexported() throws Exception {
        Api.Reply refused = api.post("/volumes/vol1/snapshots/before/revert", null).expect(409);
        assertEquals("volume_exported", refused.json().path("error").asText(), refused.body());
        ctl.ok("export", "delete", "vol1");
        ctl.ok("snapshot", "revert", "vol1", "before");
        ctl.ok("export", "create", "vol1", "-i", HOST_IQN);
    }

    /** SIGTERM ends the JVM with 143 after Dropwizard's stop: portal drained, engine, store, ZooKeeper closed. */
    private static void assertExitedCleanly(int exit, Path log) throws Exception {
        String text = Files.readString(log);
        assertTrue(exit == 143 || exit == 0, () -> "exit status " + exit + ":\n" + DaemonProcess.tail(log, 60));
        assertTrue(text.contains("iSCSI portal stopped"), () -> DaemonProcess.tail(log, 60));
        assertTrue(text.lines().anyMatch(l -> l.contains("embedded ZooKeeper") && l.contains("stopped")), () -> DaemonProcess.tail(log, 60));
        List<String> errors = text.lines().filter(l -> l.startsWith("ERROR") || l.contains("Exception")).toList();
        assertTrue(errors.isEmpty(), () -> "errors logged:\n" + String.join("\n", errors));
    }

    private void assertEverythingIsStillThere() throws Exception {
        assertEquals(Set.of("vol1", "vol1-clone"), names(api.get("/volumes").expect(200).json(), "name"));
        JsonNode snapshots = api.get("/volumes/vol1/snapshots").expect(200).json();
        assertEquals(Set.of("before"), names(snapshots, "name"), snapshots::toString);
        JsonNode clone = api.get("/volumes/vol1-clone").expect(200).json();
        assertEquals("before", clone.path("parentSnapshot").path("snapshot").asText(), clone::toString);

        JsonNode exports = api.get("/exports").expect(200).json();
        assertEquals(Set.of("vol1", "vol1-clone"), names(exports, "volume"), exports::toString);
        for (JsonNode e : exports) {
            assertEquals(Set.of(HOST_IQN), values(e.path("initiators")), e::toString);
        }
        JsonNode host = api.get("/hosts/" + Api.segment(HOST_IQN)).expect(200).json();
        assertTrue(host.path("chap").path("secretSet").asBoolean(), host::toString);
        assertEquals(Set.of("vol1", "vol1-clone"), values(host.path("exports")), host::toString);

        String listed = ctl.ok("volume", "list").out();
        assertTrue(listed.contains("vol1-clone") && listed.contains("vol1@before"), listed);
        assertTrue(ctl.ok("export", "list").out().contains("iqn.2026-11.io.basalt:vol1-clone"));
    }

    @Test
    @Order(6)
    void basaltctlResizesDeletesRotatesChapAndShowsOperations() throws Exception {
        ctl.ok("volume", "create", "scratch", "8M");
        assertTrue(ctl.ok("volume", "resize", "scratch", "16MiB").out().contains("16777216 bytes"));
        Command.Result shrink = ctl.run("volume", "resize", "scratch", "8M");
        assertEquals(1, shrink.exit(), shrink::all);
        assertTrue(shrink.err().contains("shrink_refused"), shrink::all);
        ctl.ok("volume", "resize", "scratch", "8M", "--allow-shrink");
        assertEquals(8 * MIB, api.get("/volumes/scratch").expect(200).json().path("sizeBytes").asLong());

        ctl.ok("snapshot", "create", "scratch", "s1");
        ctl.ok("snapshot", "create", "scratch", "s2");
        String tree = ctl.ok("snapshot", "list", "scratch").out();
        assertTrue(tree.matches("(?s)s1 .*\\n`-- s2 .*"), tree);
        ctl.ok("snapshot", "delete", "scratch", "s2");
        assertEquals(Set.of("s1"), names(api.get("/volumes/scratch/snapshots").expect(200).json(), "name"));

        String id = api.post("/volumes/scratch/scrub", null).expect(202).json().path("id").asText();
        assertTrue(ctl.ok("op", "show", id).out().contains("scrub"));
        assertTrue(ctl.ok("op", "list").out().contains(id));

        String iqn = "iqn.2026-11.test:scratch";
        ctl.ok("host", "create", iqn);
        ctl.command("host", "chap", iqn, "--chap-user", "scratch", "--chap-secret-file", "-").stdin(ROTATED_SECRET + "\n").ok();
        assertTrue(api.get("/hosts/" + Api.segment(iqn)).expect(200).json().path("chap").path("secretSet").asBoolean());
        ctl.ok("host", "chap", iqn, "--remove");
        JsonNode cleared = api.get("/hosts/" + Api.segment(iqn)).expect(200).json().path("chap");
        assertTrue(cleared.isNull() || cleared.isMissingNode(), cleared::toString);
        ctl.ok("host", "delete", iqn);
        ctl.ok("volume", "delete", "scratch");
        api.get("/volumes/scratch").expect(404);
        api.get("/hosts/" + Api.segment(iqn)).expect(404);
    }

    @Test
    @Order(7)
    void chapSecretsAndTheTokenAppearInNoResponseAndNoLog() throws Exception {
        for (String path : List.of("/hosts", "/hosts/" + Api.segment(HOST_IQN), "/discovery-chap", "/exports", "/volumes",
                "/nodes", "/stats", "/health", "/metrics", "/operations")) {
            api.get(path);
        }
        ctl.ok("--json", "host", "list");
        ctl.ok("host", "show", HOST_IQN);

        List<String> seen = new ArrayList<>(api.bodies());
        seen.addAll(ctl.outputs());
        for (String secret : List.of(CHAP_SECRET, DISCOVERY_SECRET, ROTATED_SECRET)) {
            assertTrue(seen.stream().noneMatch(s -> s.contains(secret)), "a CHAP secret in an API answer or basaltctl's output");
        }
        assertTrue(daemon.logs().size() >= 1);
        for (Path log : daemon.logs()) {
            String text = Files.readString(log);
            assertFalse(text.contains(CHAP_SECRET), "the host's CHAP secret is in " + log);
            assertFalse(text.contains(DISCOVERY_SECRET), "the discovery CHAP secret is in " + log);
            assertFalse(text.contains(ROTATED_SECRET), "a rotated CHAP secret is in " + log);
            assertFalse(text.contains(TOKEN), "the admin token is in " + log);
        }
    }

    private static Set<String> names(JsonNode array, String field) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static Set<String> values(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String random() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

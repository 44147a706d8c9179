package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The .deb as dpkg sees it: contents, modes, control fields, conffiles, maintainer scripts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebianPackageIT {
    /** A dpkg-deb -c line: "-rw-r--r-- root/root 1891 2026-11-29 19:09 ./etc/basalt/basalt.yml". */
    private static final Pattern ENTRY = Pattern.compile("^(\\S+)\\s+(\\S+)\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\./(.*?)/?$");
    private static final String TOKEN = "package-test-token-0123456789abcdef";

    private record Entry(String mode, String owner) {
    }

    @TempDir
    static Path dir;
    private Path deb;
    private Path root;
    private Path control;
    private final Map<String, Entry> entries = new HashMap<>();

    @BeforeAll
    void unpack() throws Exception {
        Command.require("dpkg-deb");
        deb = Artifacts.deb();
        if (!Files.isRegularFile(deb)) {
            fail(deb + " does not exist: the packaging module's package phase builds it (mvn verify)");
        }
        for (String line : Command.of("dpkg-deb", "-c", deb.toString()).ok().out().split("\n")) {
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                entries.put("/" + m.group(3), new Entry(m.group(1), m.group(2)));
            }
        }
        root = dir.resolve("root");
        control = dir.resolve("control");
        Command.of("dpkg-deb", "-x", deb.toString(), root.toString()).ok();
        Command.of("dpkg-deb", "-e", deb.toString(), control.toString()).ok();
    }

    @Test
    void installsTheJarConfigCliUnitAndDocsOwnedByRootWithTheirModes() {
        assertEquals(new Entry("-rw-r--r--", "root/root"), entries.get("/usr/share/basalt/basalt.jar"), entries::toString);
        assertEquals(new Entry("-rw-r--r--", "root/root"), entries.get("/etc/basalt/basalt.yml"));
        assertEquals(new Entry("-rwxr-xr-x", "root/root"), entries.get("/usr/bin/basaltctl"));
        assertEquals(new Entry("-rw-r--r--", "root/root"), entries.get("/lib/systemd/system/basalt.service"));
        assertEquals(new Entry("-rw-r--r--", "root/root"), entries.get("/usr/share/doc/basalt/copyright"));
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            assertEquals("root/root", e.getValue().owner(), e.getKey());
            String mode = e.getValue().mode();
            assertTrue(mode.charAt(5) != 'w' && mode.charAt(8) != 'w', "writable by group or others: " + e);
        }
        assertFalse(entries.containsKey("/etc/basalt/basalt.env"), "the token is generated at installation, never shipped");
        assertFalse(entries.keySet().stream().anyMatch(p -> p.startsWith("/var/lib/basalt")), "postinst makes the data directory");
    }

    @Test
    void controlFieldsNameThePackageItsRuntimeAndTheCliInterpreter() throws Exception {
        Map<String, String> f = fields();
        assertEquals("basalt", f.get("Package"));
        assertTrue(f.get("Version").startsWith(Artifacts.version().replace("-SNAPSHOT", "")), f::toString);
        assertEquals("all", f.get("Architecture"));
        List<String> depends = List.of(f.get("Depends").split(",\\s*"));
        assertTrue(depends.contains("openjdk-17-jre-headless | java17-runtime-headless"), depends::toString);
        assertTrue(depends.contains("python3"), depends::toString);
        assertTrue(depends.contains("adduser"), depends::toString);
        assertFalse(f.getOrDefault("Maintainer", "").isBlank());
        assertTrue(Integer.parseInt(f.get("Installed-Size")) > 1000, f::toString);
        assertFalse(f.get("Description").isBlank());
    }

    private Map<String, String> fields() throws Exception {
        Map<String, String> f = new HashMap<>();
        String last = null;
        for (String line : Files.readAllLines(control.resolve("control"))) {
            if (line.startsWith(" ") && last != null) {
                continue;
            }
            int colon = line.indexOf(':');
            last = line.substring(0, colon);
            f.put(last, line.substring(colon + 1).trim());
        }
        return f;
    }

    @Test
    void theConfigurationIsTheOnlyConffileAndItsScriptsAreValidShell() throws Exception {
        assertEquals(List.of("/etc/basalt/basalt.yml"), Files.readAllLines(control.resolve("conffiles")));
        Command.require("sh");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path p = control.resolve(script);
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), script);
            String text = Files.readString(p);
            assertTrue(text.startsWith("#!/bin/sh\n"), script);
            assertTrue(text.contains("\nset -e\n"), script + " must stop at the first failure");
            Command.of("sh", "-n", p.toString()).ok();
        }
        assertTrue(Files.readAllLines(control.resolve("md5sums")).stream().anyMatch(l -> l.endsWith("usr/share/basalt/basalt.jar")));
    }

    @Test
    void thePackagedConfigPassesDropwizardsCheckOnlyWithTheTokenFromTheEnvironment() throws Exception {
        Path jar = root.resolve("usr/share/basalt/basalt.jar");
        Path yml = root.resolve("etc/basalt/basalt.yml");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Command.Result ok = Command.of(java, "-jar", jar.toString(), "check", yml.toString()).env("BASALT_ADMIN_TOKEN", TOKEN).ok();
        assertTrue(ok.out().contains("Configuration is OK"), ok::all);

        Command.Result noToken = Command.of(java, "-jar", jar.toString(), "check", yml.toString()).run();
        assertNotEquals(0, noToken.exit(), noToken::all);
        assertTrue((noToken.out() + noToken.err()).contains("adminToken"), noToken::all);
    }

    @Test
    void theDefaultConfigKeepsTheApiOnLoopbackAndServesIscsiOnEveryAddress() throws Exception {
        String yml = Files.readString(root.resolve("etc/basalt/basalt.yml"));
        assertTrue(yml.contains("adminToken: ${BASALT_ADMIN_TOKEN}"), yml);
        assertTrue(yml.contains("dataDir: /var/lib/basalt"), yml);
        assertTrue(yml.contains("bindHost: 127.0.0.1\n      port: 8080"), yml);
        assertFalse(yml.contains("bindHost: 0.0.0.0"), "the admin API must not listen on every address by default");
        assertTrue(yml.contains("portal: \"0.0.0.0:3260\""), yml);
        assertTrue(yml.contains("mode: embedded"), yml);
    }

    @Test
    void theUnitRunsThePackagedJarAsBasaltWithTheTokenFileAndADrainingStop() throws Exception {
        String unit = Files.readString(root.resolve("lib/systemd/system/basalt.service"));
        assertEquals(Files.readString(Artifacts.unit()), unit, "the package ships systemd/basalt.service as it is");
        for (String line : List.of("User=basalt", "EnvironmentFile=/etc/basalt/basalt.env", "Restart=on-failure",
                "LimitNOFILE=1048576", "SuccessExitStatus=143", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/basalt", "PrivateTmp=yes", "After=network-online.target", "WantedBy=multi-user.target")) {
            assertTrue(unit.lines().anyMatch(line::equals), "missing " + line);
        }
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.startsWith("ExecStart=/usr/bin/java ") && exec.contains(" -Xmx"), exec);
        assertTrue(exec.endsWith(" -jar /usr/share/basalt/basalt.jar server /etc/basalt/basalt.yml"), exec);
        int stopSeconds = Integer.parseInt(unit.lines().filter(l -> l.startsWith("TimeoutStopSec=")).findFirst().orElseThrow()
                .substring("TimeoutStopSec=".length()));
        assertTrue(stopSeconds >= 60, "a drain needs time: TimeoutStopSec=" + stopSeconds);
    }

    @Test
    void basaltctlFromThePackageRunsWithPython3() throws Exception {
        Command.require("python3");
        Command.Result help = Command.of("python3", root.resolve("usr/bin/basaltctl").toString(), "--help").ok();
        for (String command : List.of("volume", "snapshot", "clone", "export", "host", "discovery-chap", "node", "stats", "op")) {
            assertTrue(help.out().contains(command), help::all);
        }
        assertEquals(Files.readString(Artifacts.basaltctl()), Files.readString(root.resolve("usr/bin/basaltctl")));
    }

    /**
     * postinst, prerm and postrm run for real (install, upgrade, remove, purge) in a private
     * mount namespace over copies of /etc, /var/lib, /var/log and /lib/systemd/system.
     */
    @Test
    void maintainerScriptsMakeTheAccountDataDirAndTokenOnceAndPurgeKeepsTheData() throws Exception {
        Command.require("unshare");
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the maintainer scripts test needs root (as dpkg does): run it through scripts/test as root");
        }
        Path script = Path.of(DebianPackageIT.class.getResource("maintainer-scripts.sh").toURI());
        Command.Result r = Command.of("sh", script.toString(), deb.toString(), dir.resolve("sandbox").toString())
                .env("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString())
                .timeout(java.time.Duration.ofSeconds(120)).ok();
        Map<String, String> v = new HashMap<>();
        r.out().lines().filter(l -> l.matches("[a-z]+\\.[a-z]+=.*")).forEach(l -> v.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));

        assertEquals("basalt:/var/lib/basalt:/usr/sbin/nologin", v.get("install.account"), r::all);
        assertEquals("basalt", v.get("install.group"), r::all);
        assertEquals("yes", v.get("install.system"), r::all);
        assertEquals("basalt:basalt:750", v.get("install.data"), r::all);
        assertEquals("root:basalt:640", v.get("install.env"), r::all);
        assertTrue(v.getOrDefault("install.token", "").matches("[0-9a-f]{64}"), r::all);
        assertEquals("yes", v.get("install.enabled"), r::all);
        assertEquals("ok", v.get("install.check"), r::all);

        assertEquals(v.get("install.token"), v.get("upgrade.token"), "an upgrade keeps the token");
        assertEquals("root:basalt:640", v.get("upgrade.env"), r::all);
        assertEquals("root:root:644", v.get("upgrade.inner"), "postinst must not re-own the data inside /var/lib/basalt");

        assertEquals("root:basalt:640", v.get("remove.env"), "remove keeps the configuration");
        assertEquals("yes", v.get("remove.masked"), r::all);

        assertEquals("absent", v.get("purge.env"), r::all);
        assertEquals("absent", v.get("purge.etc"), r::all);
        assertEquals("basalt:basalt:750", v.get("purge.data"), "purge never deletes volumes");
        assertEquals("yes", v.get("purge.account"), r::all);
        assertEquals("no", v.get("purge.masked"), r::all);
    }
}

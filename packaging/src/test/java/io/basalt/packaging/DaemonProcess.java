package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon, {@code java -jar basalt.jar server basalt.yml}, as a process of its own:
 * admin API and iSCSI portal on 127.0.0.1 at ports picked once (a restart keeps them), the
 * embedded ZooKeeper on a free port, data in a directory the test owns. The admin token goes
 * through the environment, as systemd passes it, so the YAML's ${BASALT_ADMIN_TOKEN} is
 * substituted exactly as in the package.
 *
 * <p>Each start logs (stdout and stderr) to a file of its own: {@link #logs()}.
 */
final class DaemonProcess implements AutoCloseable {
    static final Duration START_LIMIT = Duration.ofSeconds(90);
    static final Duration STOP_LIMIT = Duration.ofSeconds(60);

    private final Path jar;
    private final Path dir;
    private final String token;
    private final int apiPort;
    private final int iscsiPort;
    private final List<Path> logs = new ArrayList<>();
    private Process process;

    DaemonProcess(Path jar, Path dir, String token) throws IOException {
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: the packaging module's package phase builds it (mvn verify)");
        }
        this.jar = jar;
        this.dir = dir;
        this.token = token;
        this.apiPort = freePort();
        this.iscsiPort = freePort();
        Files.writeString(config(), yaml());
    }

    Path config() {
        return dir.resolve("basalt.yml");
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String portal() {
        return "127.0.0.1:" + iscsiPort;
    }

    String token() {
        return token;
    }

    /** The log files of every start so far, oldest first. */
    List<Path> logs() {
        return List.copyOf(logs);
    }

    Path currentLog() {
        return logs.get(logs.size() - 1);
    }

    private String yaml() {
        return """
                server:
                  applicationConnectors:
                    - {type: http, bindHost: 127.0.0.1, port: %d}
                  adminConnectors:
                    - {type: http, bindHost: 127.0.0.1, port: 0}
                  requestLog:
                    appenders:
                      - {type: console, target: stdout}
                logging:
                  level: INFO
                  loggers:
                    io.basalt: DEBUG
                    org.apache.zookeeper: WARN
                    org.apache.curator: WARN
                  appenders:
                    - {type: console, target: stdout}
                basalt:
                  nodeId: e2e-node
                  zone: zone-a
                  dataDir: %s
                  adminToken: ${BASALT_ADMIN_TOKEN}
                  targetIqnPrefix: iqn.2026-11.io.basalt
                  zookeeper: {mode: embedded, embeddedPort: 0, sessionTimeout: 10s, connectionTimeout: 2s}
                  engine: {segmentSize: 2MiB, reserve: 1MiB, minFreeSpace: 1MiB, readCache: 1MiB, preallocateSegments: false}
                iscsi:
                  portal: "127.0.0.1:%d"
                  ioThreads: 1
                  workerThreads: 2
                """.formatted(apiPort, dataDir(), iscsiPort);
    }

    /** Starts the daemon and waits until its API answers (the portal is up before the API opens). */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Path log = dir.resolve("daemon-" + (logs.size() + 1) + ".log");
        logs.add(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "server", config().toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BASALT_ADMIN_TOKEN", token);
        process = pb.start();
        awaitPing();
    }

    private void awaitPing() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(apiUrl() + "/ping")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the daemon exited with " + process.exitValue() + " while starting:\n" + tail(currentLog(), 60));
            }
            try {
                if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // connection refused until Jetty's connector opens
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        fail("the daemon did not answer /ping within " + START_LIMIT + ":\n" + tail(currentLog(), 60));
    }

    /**
     * SIGTERM, as systemd stops it, and waits for the exit. Returns the exit status: a JVM ended
     * by SIGTERM exits with 143 once its shutdown hooks (Dropwizard's stop) have run.
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the daemon did not exit within " + STOP_LIMIT + " of SIGTERM:\n" + tail(currentLog(), 60));
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program from the machine (dpkg-deb, python3, qemu-io, java) with a time limit,
 * its standard output and error kept apart. A missing program fails the test with the package
 * that brings it: the tests never pass by skipping what they could not run.
 */
final class Command {
    record Result(List<String> command, int exit, String out, String err, boolean timedOut) {
        /** Output and error together, for assertion messages. */
        String all() {
            return String.join(" ", command) + "\n--- exit " + exit + (timedOut ? " (timed out)" : "") + "\n--- stdout\n" + out
                    + "--- stderr\n" + err;
        }
    }

    private static final Map<String, String> PACKAGES = Map.of(
            "dpkg-deb", "dpkg",
            "python3", "python3",
            "qemu-io", "qemu-utils (and qemu-block-extra for iscsi://)",
            "unshare", "util-linux",
            "sh", "dash");

    private final List<String> command;
    private final Map<String, String> env = new java.util.HashMap<>();
    private String stdin;
    private Duration timeout = Duration.ofSeconds(60);
    private Path directory;

    private Command(List<String> command) {
        this.command = List.copyOf(command);
    }

    static Command of(String... command) {
        return new Command(List.of(command));
    }

    static Command of(List<String> command) {
        return new Command(command);
    }

    Command env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Command stdin(String text) {
        this.stdin = text;
        return this;
    }

    Command timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    Command in(Path dir) {
        this.directory = dir;
        return this;
    }

    /** Fails the test, naming the Debian package, when the program is not on the PATH. */
    static Path require(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!Files.isExecutable(p)) {
                fail(program + " is not executable");
            }
            return p;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(program + " is not installed (Debian package " + PACKAGES.getOrDefault(program, program)
                + "): run the tests through scripts/test, which installs what they need");
    }

    Result run() throws IOException, InterruptedException {
        require(command.get(0));
        Path out = Files.createTempFile("basalt-cmd", ".out");
        Path err = Files.createTempFile("basalt-cmd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(command, done ? p.exitValue() : -1, Files.readString(out), Files.readString(err), !done);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs and fails the test unless the program exits with 0. */
    Result ok() throws IOException, InterruptedException {
        Result r = run();
        if (r.exit() != 0) {
            fail("command failed:\n" + r.all());
        }
        return r;
    }
}

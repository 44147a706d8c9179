package io.basalt.target.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real initiator tools from Debian (libiscsi-bin, qemu-utils) with a time limit. */
final class Tools {
    record Result(int exit, String out, boolean timedOut) {
    }

    private Tools() {
    }

    static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: run the tests through scripts/test, which installs it");
    }

    static Result run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        return run(timeoutSeconds, List.of(cmd));
    }

    static Result run(long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        require(cmd.get(0));
        Path out = Files.createTempFile("basalt-tool", ".log");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(done ? p.exitValue() : -1, text, !done);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}

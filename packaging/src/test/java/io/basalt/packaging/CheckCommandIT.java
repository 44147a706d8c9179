package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code basalt check} prints its verdict even when the log line is still being written as the
 * command returns. Dropwizard logs "Configuration is OK" through its asynchronous appender and,
 * before exit, waits only for that appender's queue to empty; a worker that has taken the line but
 * not yet written it lost it (CI saw an empty output with exit 0). The slow appender makes that
 * window 300 ms wide, so without the daemon's own check command this test fails every time.
 */
class CheckCommandIT {
    private static final String TOKEN = "check-test-token-0123456789abcdef";

    @Test
    void theVerdictIsWrittenBeforeTheProcessExitsEvenWhenTheLogWriterIsSlow(@TempDir Path dir) throws Exception {
        String packaged = Files.readString(Path.of("src/deb/etc/basalt.yml"));
        assertTrue(packaged.contains("- type: console\n"), packaged);
        Path yml = Files.writeString(dir.resolve("slow.yml"), packaged.replace("- type: console\n", "- type: slow-console\n"));
        Path testClasses = Path.of(SlowConsoleAppenderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Command.Result r = Command.of(java, "-cp", testClasses + ":" + Artifacts.jar(), "io.basalt.target.daemon.BasaltDaemon",
                "check", yml.toString()).env("BASALT_ADMIN_TOKEN", TOKEN).ok();
        assertTrue(r.out().contains("Configuration is OK"), r::all);
    }
}

package io.basalt.target.scsi;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the SCSI command tests: a new {@link ScsiHarness} (512-byte logical blocks, a real
 * engine in a temporary directory) for every test, closed after it.
 */
abstract class LunTest {
    @TempDir
    Path dir;
    ScsiHarness h;

    /** Size of the test volume. */
    long volumeBytes() {
        return 16 << 20;
    }

    /** The nexuses whose power-on unit attention is consumed before the test (none for tests that look at it). */
    List<Nexus> startClean() {
        return List.of(ScsiHarness.A);
    }

    @BeforeEach
    void openHarness() throws Exception {
        h = new ScsiHarness(dir, volumeBytes(), 512);
        for (Nexus n : startClean()) {
            h.clearAttentions(n);
        }
    }

    @AfterEach
    void closeHarness() {
        h.close();
    }
}

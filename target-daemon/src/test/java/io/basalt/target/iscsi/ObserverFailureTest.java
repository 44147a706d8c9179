package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.basalt.target.pdu.Wire;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O observer (metrics) is called while commands are answered and sessions end. One that
 * throws loses its own reports only: commands are still answered and the commands that wait
 * for them still start (before, an exception there skipped both, and so also the end of a
 * dropped session and the answer to a reset waiting for the command).
 */
class ObserverFailureTest {
    private static final byte[] SECTOR_WRITE = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] SECTOR_READ = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final int ORDERED = 2;

    @TempDir
    Path dir;
    private final List<Runnable> held = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private EmbeddedSession s;

    @BeforeEach
    void open() throws IOException {
        s = new EmbeddedSession(dir, held::add);
        s.clearUnitAttentions(held);
        s.observe(new IoObserver() {
            @Override
            public void read(String volume, long bytes, long nanos) {
                fail();
            }

            @Override
            public void written(String volume, long bytes, long nanos) {
                fail();
            }

            private void fail() {
                calls.incrementAndGet();
                throw new IllegalStateException("observer failure (test)");
            }
        });
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aWriteIsAnsweredAndTheCommandWaitingForItStarts() {
        s.send(Wire.frame(Wire.scsiCommandBhs(1, false, true, 512, s.nextCmdSN(), SECTOR_WRITE, ORDERED), new byte[512]));
        s.channel.runPendingTasks();
        s.send(Wire.scsiCommandBhs(2, true, false, 512, s.nextCmdSN(), SECTOR_READ, ORDERED));
        s.channel.runPendingTasks();
        assertNull(s.poll(), "the ordered read waits for the write");
        held.remove(0).run();
        s.channel.runPendingTasks();
        s.assertResponse(1, 0);
        byte[] read = s.read(); // Data-In with the status (phase collapse), after the write
        assertEquals(0x25, read[0] & 0x3f, "the read ran once the write was answered");
        assertEquals(2, calls.get(), "the observer was told of both, and failed both times");
    }
}

package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plumbing of sync_file_range: the descriptor of a FileChannel reaches the kernel. */
class WriteOutTest {
    @TempDir
    Path dir;

    @Test
    void writesOutAnOpenFileAndReportsAClosedOne() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
        // The tests run with the same --add-opens as the daemon: on Linux it must be there.
        assertTrue(WriteOut.available(), "sync_file_range is not reachable");
        Path f = dir.resolve("f");
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.allocate(1 << 20), 0);
        // The descriptor handed to the kernel is this channel's, not merely some open file.
        int fd = WriteOut.fdOf(ch);
        assertEquals(f.toRealPath(), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
        assertTrue(WriteOut.writeOut(ch, 0, 1 << 20));
        assertTrue(WriteOut.writeOut(ch, 1 << 20, 4096), "a range past the end is no error");
        ch.close();
        // A closed channel's descriptor is -1: the kernel refuses it, and nothing is thrown.
        assertFalse(WriteOut.writeOut(ch, 0, 1 << 20));
        assertEquals(1 << 20, Files.size(f));
    }
}

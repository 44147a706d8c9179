package io.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader protocol of a segment's mapping: entered memory is not unmapped under a reader. */
class SegmentTest {
    @TempDir
    Path dir;

    @Test
    void closeWaitsForAnEnteredReaderAndRefusesNewOnes() throws Exception {
        Segment s = Segment.create(dir, 1, 1 << 20, true, false);
        ByteBuffer word = ByteBuffer.allocate(Long.BYTES).putLong(0, 0x1234_5678_9abc_def0L);
        s.channel.write(word, 8192);

        assertTrue(s.enter());
        assertEquals(0x1234_5678_9abc_def0L, s.peek(8192));
        CompletableFuture<Void> closed = CompletableFuture.runAsync(s::closeQuietly);
        Thread.sleep(300);
        assertFalse(closed.isDone(), "the mapping was closed while a reader was inside it");
        assertEquals(0x1234_5678_9abc_def0L, s.peek(8192), "the mapping must stay readable until the reader leaves");

        s.leave();
        closed.get(10, TimeUnit.SECONDS);
        assertFalse(s.enter(), "a closed segment must not let readers in");
        ByteBuffer dst = ByteBuffer.allocate(Long.BYTES);
        assertFalse(s.readAt(dst, 0, 8192, Long.BYTES), "a read of a closed segment reports it gone");
    }

    @Test
    void aNewSegmentWhoseZeroFillIsStoppedIsSparseAtFullLength() throws Exception {
        long size = 4L * Segment.ZERO_PIECE;
        int[] asked = {0};
        // Lets one piece be written, then stops the fill.
        Segment s = Segment.create(dir, 3, size, true, true, () -> asked[0]++ > 0);
        try {
            assertEquals(2, asked[0], "the fill stopped before its second piece");
            assertFalse(s.allocated, "a segment whose fill stopped counts as sparse");
            assertEquals(size, Files.size(Segment.pathOf(dir, 3)), "it has its full length, so it can be mapped");
            try (var files = Files.list(dir)) {
                assertEquals(List.of(Segment.pathOf(dir, 3)), files.toList(), "no temporary file is left");
            }
            ByteBuffer tail = ByteBuffer.allocate(Long.BYTES);
            assertTrue(s.readAt(tail, 0, size - Long.BYTES, Long.BYTES), "its end is mapped");
            assertEquals(0, tail.getLong(0));
        } finally {
            s.closeQuietly();
        }
        Segment whole = Segment.create(dir, 4, size, true, true, () -> false);
        try {
            assertTrue(whole.allocated, "a fill that ran to its end leaves the segment allocated");
        } finally {
            whole.closeQuietly();
        }
    }

    @Test
    void whetherASegmentIsAllocatedIsReadOffTheFileWhenItIsOpened() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Libc.LINUX, "lseek SEEK_HOLE is asked on Linux only");
        assertTrue(Libc.API != null && WriteOut.descriptorsReachable(), "lseek is reachable here (--add-opens)");
        long size = 4L << 20;
        long threshold = size - RecordFormat.MAX_RECORD_BYTES - RecordFormat.SEAL_BYTES;
        Segment.create(dir, 5, size, true, false).closeQuietly();
        Segment.create(dir, 6, size, true, true).closeQuietly();
        // Sparse, then written: through to within one largest record of its end, as a segment
        // that rolled is (7); only halfway, as one the log left early (8); and to just short
        // of the threshold (9).
        long[] ends = {size - RecordFormat.MAX_RECORD_BYTES + 4096, size / 2, (threshold - 8192) / 4096 * 4096};
        for (int k = 0; k < ends.length; k++) {
            Segment s = Segment.create(dir, 7 + k, size, true, false);
            ByteBuffer ones = ByteBuffer.allocate(Segment.ZERO_PIECE);
            java.util.Arrays.fill(ones.array(), (byte) 1);
            for (long pos = 0; pos < ends[k]; pos += ones.capacity()) {
                ones.clear().limit((int) Math.min(ones.capacity(), ends[k] - pos));
                s.channel.write(ones, pos);
            }
            s.channel.force(true);
            s.closeQuietly();
        }
        boolean[] expected = {false, true, true, false, false};
        for (int i = 0; i < expected.length; i++) {
            Segment s = Segment.open(dir, 5 + i, size, true);
            try {
                assertEquals(expected[i], s.allocated, "segment " + (5 + i) + " reopened");
                assertEquals(0, s.channel.position(), "asking for holes leaves the append position alone");
            } finally {
                s.closeQuietly();
            }
        }
        Segment unprobed = Segment.open(dir, 5, size);
        try {
            assertTrue(unprobed.allocated, "a file this process made or recycled is not probed");
        } finally {
            unprobed.closeQuietly();
        }
    }

    @Test
    void peekOutsideTheMappingReadsNothing() throws Exception {
        Segment s = Segment.create(dir, 2, 1 << 20, true, false);
        try {
            assertTrue(s.enter());
            try {
                assertEquals(0, s.peek(-8));
                assertEquals(0, s.peek((1 << 20) - 4));
                assertEquals(0, s.peek(1 << 20));
            } finally {
                s.leave();
            }
        } finally {
            s.closeQuietly();
        }
    }
}

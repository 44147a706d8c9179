package io.basalt.target.scsi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** When a read must be redone, or wait, because of a WRITE ATOMIC. */
class AtomicWritesTest {
    private final AtomicWrites gate = new AtomicWrites();

    @Test
    void aReadIsRedoneOnlyWhenAnAtomicWriteMayHaveTouchedItsRange() {
        AtomicWrites.Write before = gate.beginRead(0, 4096);
        assertTrue(gate.unchanged(before, 0, 4096), "nothing happened");
        gate.run(8192, 4096, () -> null);
        assertTrue(gate.unchanged(before, 0, 4096), "one atomic write, elsewhere");
        assertFalse(gate.unchanged(before, 8192 + 4095, 1), "one atomic write over the range");
        assertFalse(gate.unchanged(before, 12288 - 512, 512), "its last sector");
        assertTrue(gate.unchanged(before, 12288, 512), "the block after it");
        assertFalse(gate.unchanged(before, 8192 + 1000, 10), "widened to whole engine blocks: any byte of its blocks");

        gate.run(1 << 20, 512, () -> null);
        assertFalse(gate.unchanged(before, 0, 4096), "two atomic writes: the first is no longer known");
        assertTrue(gate.unchanged(gate.beginRead(0, 4096), 0, 4096));
    }

    @Test
    void aReadOverARunningAtomicWriteWaitsForIt() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> writer = CompletableFuture.supplyAsync(() -> gate.run(4096, 8192, () -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        inside.await();
        assertNull(gate.readable(8192, 512), "the non-blocking path leaves it to a worker");
        assertNotNull(gate.readable(0, 4096), "a read beside it goes ahead");
        AtomicWrites.Write beside = gate.beginRead(12288, 4096);
        CompletableFuture<AtomicWrites.Write> over = CompletableFuture.supplyAsync(() -> gate.beginRead(8192, 512));
        Thread.sleep(50);
        assertFalse(over.isDone(), "a read over it waits");
        release.countDown();
        writer.join();
        assertTrue(gate.unchanged(over.join(), 8192, 512));
        assertTrue(gate.unchanged(beside, 12288, 4096), "the write it overlapped nothing of had begun before it");
    }
}

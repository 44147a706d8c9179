package io.basalt.target.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical unit on a real engine volume in a temporary directory, and a way to run CDBs
 * against it as a given I_T nexus. Every Data-Out buffer handed to the dispatcher is checked to
 * have been released, and every Data-In buffer is copied out and released.
 */
final class ScsiHarness implements AutoCloseable {
    static final String TARGET = "iqn.2024-01.io.basalt:test";
    static final Nexus A = new Nexus("iqn.2024-01.org.example:host-a", "400001370000", TARGET, 1);
    static final Nexus B = new Nexus("iqn.2024-01.org.example:host-b", "400001370001", TARGET, 1);
    static final String VOLUME = "v";

    final Path dir;
    final int blockSize;
    final ScsiDispatcher dispatcher = new ScsiDispatcher();
    BlockEngine engine;
    Lun lun;
    private final List<ByteBuf> dataOuts = java.util.Collections.synchronizedList(new ArrayList<>());

    ScsiHarness(Path dir, long bytes, int blockSize) throws IOException {
        this.dir = dir;
        this.blockSize = blockSize;
        engine = BlockEngine.open(dir, config());
        engine.createVolume(new VolumeSpec(VOLUME, bytes, false));
        lun = new Lun(new EngineBlockDevice(engine.volume(VOLUME), blockSize));
    }

    static EngineConfig config() {
        return EngineConfig.defaults().reserveBytes(0).backgroundCleaner(false);
    }

    long blocks() {
        return lun.blockCount();
    }

    /** Closes and reopens the engine and builds a new Lun, as after a restart. */
    void restart() throws IOException {
        shutdown();
        start();
    }

    void shutdown() {
        engine.close();
    }

    void start() throws IOException {
        engine = BlockEngine.open(dir, config());
        lun = new Lun(new EngineBlockDevice(engine.volume(VOLUME), blockSize));
    }

    Response run(Nexus nexus, byte[] cdb) {
        return run(nexus, cdb, null);
    }

    Response run(Nexus nexus, byte[] cdb, byte[] dataOut) {
        return run(nexus, cdb, dataOut, dataOut == null ? 0 : dataOut.length);
    }

    /** Runs a command; {@code expectedLength} is the initiator's Expected Data Transfer Length. */
    Response run(Nexus nexus, byte[] cdb, byte[] dataOut, long expectedLength) {
        ByteBuf out = null;
        if (dataOut != null) {
            out = PooledByteBufAllocator.DEFAULT.directBuffer(dataOut.length).writeBytes(dataOut);
            dataOuts.add(out);
        }
        ScsiResult r = dispatcher.execute(lun, new ScsiTask(nexus, 0, cdb, expectedLength, out)).join();
        if (out != null) {
            assertEquals(0, out.refCnt(), "the dispatcher releases Data-Out when the command completes");
        }
        return Response.of(r);
    }

    /**
     * {@link ScsiDispatcher#tryStart} of a write with its Data-Out: the response once done (a
     * durable write completes after its sync), or null when it would have to wait, in which
     * case the Data-Out is untouched.
     */
    Response tryWrite(Nexus nexus, byte[] cdb, byte[] dataOut) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(dataOut.length).writeBytes(dataOut);
        dataOuts.add(out);
        java.util.concurrent.CompletableFuture<ScsiResult> r =
                dispatcher.tryStart(lun, new ScsiTask(nexus, 0, cdb, dataOut.length, out));
        if (r == null) {
            assertEquals(1, out.refCnt(), "a write not started leaves its Data-Out to the worker path");
            out.release();
            return null;
        }
        ScsiResult result = r.join();
        assertEquals(0, out.refCnt(), "the dispatcher releases Data-Out when the command completes");
        return Response.of(result);
    }

    /**
     * {@link #tryWrite} where nothing should stand in the way, retried for a while: a
     * checkpoint may hold the log's lock for a moment (the tests are not about that).
     */
    Response tryWriteStarted(Nexus nexus, byte[] cdb, byte[] dataOut) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Response r = tryWrite(nexus, cdb, dataOut);
            if (r != null || System.nanoTime() > deadline) {
                org.junit.jupiter.api.Assertions.assertNotNull(r, "the write kept being left to a worker");
                return r;
            }
            Thread.sleep(1);
        }
    }

    /** {@link ScsiDispatcher#tryStart} of a read: the response, or null when it would have to wait. */
    Response tryNow(Nexus nexus, byte[] cdb) {
        java.util.concurrent.CompletableFuture<ScsiResult> r = dispatcher.tryStart(lun, new ScsiTask(nexus, 0, cdb, 0, null));
        if (r == null) {
            return null;
        }
        assertTrue(r.isDone(), "a read started at once is done at once");
        return Response.of(r.join());
    }

    /** Runs after consuming any pending unit attention of {@code nexus}. */
    Response runClean(Nexus nexus, byte[] cdb, byte[] dataOut) {
        clearAttentions(nexus);
        return run(nexus, cdb, dataOut);
    }

    void clearAttentions(Nexus nexus) {
        for (int i = 0; i < 10 && run(nexus, Cdbs.testUnitReady()).status() == ScsiResult.CHECK_CONDITION; i++) {
            // keep consuming unit attentions
        }
    }

    byte[] read(Nexus nexus, long lba, int blocks) {
        Response r = run(nexus, Cdbs.read16(lba, blocks));
        r.assertGood();
        return r.data();
    }

    void write(Nexus nexus, long lba, byte[] data) {
        run(nexus, Cdbs.write16(lba, data.length / blockSize, false), data).assertGood();
    }

    @Override
    public void close() {
        engine.close();
    }
}

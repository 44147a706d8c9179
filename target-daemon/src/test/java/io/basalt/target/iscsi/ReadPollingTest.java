package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.engine.BlockEngine;
import io.basalt.engine.EngineConfig;
import io.basalt.engine.Volume;
import io.basalt.engine.VolumeSpec;
import io.basalt.target.login.LoginSettings;
import io.basalt.target.pdu.Wire;
import io.basalt.target.scsi.EngineBlockDevice;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event loop's polling after reads it answered itself ({@link ReadPolling}): when it polls
 * and when it blocks, on a thread of the test's own standing in for the loop; then over a real
 * socket, that the loop's count of commands out with workers comes back to zero after writes
 * and that reads answered on the loop make it poll.
 */
class ReadPollingTest {
    /** Runs strategy calls on a thread of their own: the strategy registers itself with its thread. */
    private final ExecutorService loop = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(10, TimeUnit.SECONDS);
    }

    /** epoll standing in: answers from a script, then zeros; counts the calls. */
    private static final class Events implements io.netty.util.IntSupplier {
        final int[] script;
        final AtomicInteger calls = new AtomicInteger();

        Events(int... script) {
            this.script = script;
        }

        @Override
        public int get() {
            int i = calls.getAndIncrement();
            return i < script.length ? script[i] : 0;
        }
    }

    private static ReadPolling strategy(long micros) {
        return (ReadPolling) ReadPolling.factory(micros).newSelectStrategy();
    }

    @Test
    void itBlocksWhenTheLoopAnsweredNoRead() throws Exception {
        ReadPolling p = strategy(50);
        Events events = new Events(1);
        assertEquals(SelectStrategy.SELECT, onLoop(() -> p.calculateStrategy(events, false)));
        assertEquals(0, events.calls.get(), "no look at epoll before blocking");
        assertEquals(0, p.polls());
    }

    @Test
    void afterAReadAnsweredOnTheLoopItPollsUntilEventsArrive() throws Exception {
        ReadPolling p = strategy(5_000_000); // ends with the events, long before
        Events events = new Events(0, 0, 2);
        assertEquals(2, onLoop(() -> {
            p.answeredOnLoop();
            return p.calculateStrategy(events, false);
        }), "the events found by polling are handled at once");
        assertEquals(3, events.calls.get());
        assertEquals(1, p.polls());
        assertEquals(1, p.pollHits());
        // Each answered read earns one poll: the next pass blocks unless another read was answered.
        Events next = new Events(1);
        assertEquals(SelectStrategy.SELECT, onLoop(() -> p.calculateStrategy(next, false)));
        assertEquals(0, next.calls.get());
    }

    @Test
    void itNeverPollsWhileACommandIsWithAWorker() throws Exception {
        ReadPolling p = strategy(5_000_000);
        Events events = new Events(1);
        assertEquals(SelectStrategy.SELECT, onLoop(() -> {
            p.handed(2);
            p.returned();
            p.answeredOnLoop();
            return p.calculateStrategy(events, false);
        }), "one of two commands is still with a worker: its answer comes as a task that would not wake a polling loop");
        assertEquals(0, events.calls.get());
        assertEquals(SelectStrategy.SELECT, onLoop(() -> {
            p.returned();
            return p.calculateStrategy(events, false);
        }), "the read answered before the loop blocked earned no poll later");
        assertEquals(0, events.calls.get());
        assertEquals(1, onLoop(() -> {
            p.answeredOnLoop();
            return p.calculateStrategy(events, false);
        }), "none out any more and a read answered: it polls");
        assertEquals(0, p.handedOut());
    }

    @Test
    void aTaskFromAnotherThreadEndsPolling() throws Exception {
        DefaultEventLoop eventLoop = new DefaultEventLoop();
        try {
            ReadPolling p = strategy(5_000_000);
            CountDownLatch polling = new CountDownLatch(1);
            io.netty.util.IntSupplier noEvents = () -> {
                polling.countDown();
                return 0;
            };
            Future<Integer> pass = eventLoop.submit(() -> {
                p.answeredOnLoop();
                return p.calculateStrategy(noEvents, false);
            });
            assertTrue(polling.await(10, TimeUnit.SECONDS), "the loop polls");
            long start = System.nanoTime();
            eventLoop.execute(() -> { });
            assertEquals(0, pass.get(10, TimeUnit.SECONDS), "no events: the loop goes on to run the task");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 2_000, "polling ended with the task, not after its 5 s: " + tookMillis + " ms");
            assertEquals(1, p.polls());
            assertEquals(0, p.pollHits());
        } finally {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void pollingEndsAfterItsTimeAndThenTheLoopBlocks() throws Exception {
        ReadPolling p = strategy(50_000);
        Events events = new Events();
        long start = System.nanoTime();
        assertEquals(SelectStrategy.SELECT, onLoop(() -> {
            p.answeredOnLoop();
            return p.calculateStrategy(events, false);
        }));
        long tookMicros = (System.nanoTime() - start) / 1000;
        assertTrue(tookMicros >= 50_000, "polled for its whole time, took " + tookMicros + " µs");
        assertTrue(events.calls.get() > 1, "polled more than once: " + events.calls.get());
        assertEquals(1, p.polls());
        assertEquals(0, p.pollHits());
    }

    @Test
    void withTasksWaitingItLooksOnceWithoutBlocking() throws Exception {
        ReadPolling p = strategy(5_000_000);
        Events events = new Events(0, 5);
        assertEquals(0, onLoop(() -> {
            p.answeredOnLoop();
            return p.calculateStrategy(events, true);
        }), "Netty's own answer when tasks wait: a look, then the tasks");
        assertEquals(1, events.calls.get());
        assertEquals(5, onLoop(() -> p.calculateStrategy(events, false)),
                "the answered read still earns its poll once the tasks have run");
        assertEquals(1, p.polls());
    }

    @Test
    void zeroTurnsItOffAndANegativeTimeIsRefused() {
        assertSame(DefaultSelectStrategyFactory.INSTANCE, ReadPolling.factory(0));
        assertThrows(IllegalArgumentException.class, () -> ReadPolling.factory(-1));
    }

    @Test
    void overARealSocketWritesAreCountedBackAndReadsAnsweredOnTheLoopMakeItPoll() throws Exception {
        assumeTrue(Epoll.isAvailable(), "polling is an epoll strategy");
        String iqn = "iqn.2026-11.io.basalt:polling";
        try (BlockEngine engine = BlockEngine.open(dir, EngineConfig.defaults().reserveBytes(0).segmentBytes(16 << 20))) {
            Volume v = engine.createVolume(new VolumeSpec("polling", 1 << 20, false));
            IscsiTarget t = new IscsiTarget(iqn);
            t.addLun(1, new EngineBlockDevice(v, 512));
            TargetRegistry registry = new TargetRegistry();
            registry.put(new TargetRegistry.Target(iqn, t, true, Set.of(), Map.of()));
            IscsiServer server = new IscsiServer(registry, LoginSettings.defaults(), 2, 4, 200);
            try (SocketSession s = new SocketSession(server.start(new InetSocketAddress("127.0.0.1", 0)), iqn,
                    "iqn.2026-11.test:polling", 0x400000000077L)) {
                int itt = 10;
                // The first command takes the power-on unit attention.
                s.send(Wire.scsiCommandBhs(itt++, false, false, 0, s.cmdSN++, new byte[6]));
                s.read();

                Random random = new Random(7);
                for (int i = 0; i < 8; i++) {
                    byte[] data = new byte[4096];
                    random.nextBytes(data);
                    int lba = i * 8;
                    byte[] write = {0x2a, 0, 0, 0, 0, (byte) lba, 0, 0, 8, 0};
                    s.send(Wire.frame(Wire.scsiCommandBhs(itt++, false, true, 4096, s.cmdSN++, write), data));
                    byte[] r = s.read();
                    assertEquals(0x21, r[0] & 0x3f, "a SCSI Response to the write");
                    assertEquals(0, Wire.u8(r, 3), "GOOD");
                    for (int k = 0; k < 3; k++) {
                        byte[] readCdb = {0x28, 0, 0, 0, 0, (byte) lba, 0, 0, 8, 0};
                        s.send(Wire.scsiCommandBhs(itt++, true, false, 4096, s.cmdSN++, readCdb));
                        assertArrayEquals(data, readData(s), "the read returns what was written");
                    }
                }
                List<ReadPolling> loops = server.readPolling();
                assertEquals(2, loops.size());
                loops.forEach(p -> assertEquals(0, Objects.requireNonNull(p, "every epoll loop has one").handedOut(),
                        "every write handed to a worker was counted back when it finished"));
                long polls = loops.stream().mapToLong(ReadPolling::polls).sum();
                assertTrue(polls >= 1, "reads answered on the loop made it poll: " + polls);
            } finally {
                server.close();
            }
        }
    }

    /** The data of Data-In PDUs up to the command's status (in the last Data-In or a SCSI Response), which must be GOOD. */
    private static byte[] readData(SocketSession s) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            byte[] pdu = s.read();
            int opcode = pdu[0] & 0x3f;
            if (opcode == 0x25) { // Data-In
                int len = (Wire.u8(pdu, 5) << 16) | Wire.u16(pdu, 6);
                data.write(pdu, 48 + Wire.u8(pdu, 4) * 4, len);
                if ((pdu[1] & 0x01) != 0) {
                    assertEquals(0, Wire.u8(pdu, 3), "GOOD with the data");
                    return data.toByteArray();
                }
            } else {
                assertEquals(0x21, opcode, "a SCSI Response");
                assertEquals(0, Wire.u8(pdu, 3), "GOOD");
                return data.toByteArray();
            }
        }
    }
}

package io.basalt.target.iscsi;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * An event loop's select strategy that polls for a while before it blocks, but only after the
 * loop answered a command itself (a read from memory, a small write it appended) and while none
 * of its commands is out with a worker or the syncer.
 *
 * <p>An initiator reading at queue depth 1 sends its next command some tens of microseconds
 * after the answer to the last one. Blocking in {@code epoll_wait} in between lets the core
 * halt, and on a virtual machine waking a halted vCPU costs about as much as serving the read.
 * So after a pass that answered a read on the loop, the loop calls the non-blocking
 * {@code epoll_wait} for up to {@code pollNanos} and handles what arrives at once; only then
 * does it block. It never polls while a command of its own is with a worker, the syncer or the
 * disk: their answers come back as tasks, and a task submitted from another thread does not
 * wake a loop that is not blocked, so polling would delay them and take the CPU they need.
 * So it polls after a small write the loop appended itself (answered at once, as a read from
 * memory is), but never while a durable one waits for its sync. A task submitted from elsewhere
 * while the loop polls (another loop's reset, a reinstatement, a new connection) ends the
 * polling at its next round; a timer falling due waits at most {@code pollNanos}. This is the
 * idea of Linux's busy polling, confined to the case where it pays. The loop's polling takes
 * at most {@code pollNanos} of CPU per read it answered, which on a small node is CPU the
 * other event loop's commands might have used.
 *
 * <p>The loop's connections tell it what they did through {@link #current()}, on the loop's
 * own thread, so no field here is shared between threads.
 */
final class ReadPolling implements SelectStrategy {
    private static final FastThreadLocal<ReadPolling> CURRENT = new FastThreadLocal<>();

    /** Polling time from {@code -Dbasalt.readPollMicros} (default 50; 0 turns it off). */
    static final long DEFAULT_POLL_MICROS = Long.getLong("basalt.readPollMicros", 50);

    private final long pollNanos;
    private boolean registered;
    /** The loop's executor, whose task queue ends polling early; null if it is not one we can ask. */
    private SingleThreadEventExecutor executor;
    /** Set when the loop answered a read itself; cleared when the loop next blocks or polls. */
    private boolean answered;
    /** Commands this loop's connections handed to workers and not yet finished. */
    private int handedOut;
    /** Times the loop polled, and polls that found events, the wake-up eventfd's and the timer's included (loop thread only; read by tests). */
    private long polls;
    private long pollHits;

    private ReadPolling(long pollNanos) {
        this.pollNanos = pollNanos;
    }

    /** Polling for up to {@code pollMicros} after a read answered on the loop; 0 gives Netty's default strategy. */
    static SelectStrategyFactory factory(long pollMicros) {
        if (pollMicros < 0) {
            throw new IllegalArgumentException("read polling time must be >= 0 µs, got " + pollMicros);
        }
        if (pollMicros == 0) {
            return DefaultSelectStrategyFactory.INSTANCE;
        }
        long nanos = pollMicros * 1000;
        return () -> new ReadPolling(nanos);
    }

    /** The calling event loop's strategy, or null (not an event loop, not epoll, or polling off). */
    static ReadPolling current() {
        return CURRENT.getIfExists();
    }

    /** The loop answered a read without a worker. */
    void answeredOnLoop() {
        answered = true;
    }

    /** {@code n} commands went to a worker. */
    void handed(int n) {
        handedOut += n;
    }

    /** A command handed to a worker has finished. */
    void returned() {
        handedOut--;
    }

    int handedOut() {
        return handedOut;
    }

    long polls() {
        return polls;
    }

    long pollHits() {
        return pollHits;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (!registered) {
            CURRENT.set(this);
            EventExecutor loop = ThreadExecutorMap.currentExecutor();
            executor = loop instanceof SingleThreadEventExecutor st ? st : null;
            registered = true;
        }
        if (hasTasks) {
            return selectNow.get(); // what Netty's default strategy does; the tasks run next
        }
        boolean poll = answered && handedOut == 0;
        answered = false; // one read answered earns at most one poll, now or never
        if (!poll) {
            return SelectStrategy.SELECT;
        }
        polls++;
        long deadline = System.nanoTime() + pollNanos;
        do {
            int ready = selectNow.get();
            if (ready != 0) {
                pollHits++;
                return ready;
            }
            if (executor != null && executor.pendingTasks() > 0) {
                return 0; // a task came from another thread: no events, the loop runs it next
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
        return SelectStrategy.SELECT;
    }
}

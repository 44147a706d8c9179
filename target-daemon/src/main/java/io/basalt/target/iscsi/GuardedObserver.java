package io.basalt.target.iscsi;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An {@link IoObserver} whose failures cost only their own report. The observer is called
 * while a command is answered and while a session ends; an exception escaping it there would
 * skip what follows (the command's hand-on to the tasks that wait for it, the end of a dropped
 * session that a reset or a reinstating login waits for). The first failure is logged with its
 * stack trace, later ones are counted.
 */
final class GuardedObserver implements IoObserver {
    private static final Logger LOG = Logger.getLogger(GuardedObserver.class.getName());

    private final IoObserver delegate;
    final AtomicLong failures = new AtomicLong();

    private GuardedObserver(IoObserver delegate) {
        this.delegate = delegate;
    }

    static IoObserver of(IoObserver o) {
        return o == null ? IoObserver.NONE : o instanceof GuardedObserver || o == IoObserver.NONE ? o : new GuardedObserver(o);
    }

    @Override
    public void read(String volume, long bytes, long nanos) {
        try {
            delegate.read(volume, bytes, nanos);
        } catch (RuntimeException e) {
            failed("read", e);
        }
    }

    @Override
    public void written(String volume, long bytes, long nanos) {
        try {
            delegate.written(volume, bytes, nanos);
        } catch (RuntimeException e) {
            failed("written", e);
        }
    }

    @Override
    public void sessionOpened() {
        try {
            delegate.sessionOpened();
        } catch (RuntimeException e) {
            failed("sessionOpened", e);
        }
    }

    @Override
    public void sessionClosed() {
        try {
            delegate.sessionClosed();
        } catch (RuntimeException e) {
            failed("sessionClosed", e);
        }
    }

    private void failed(String call, RuntimeException e) {
        long n = failures.incrementAndGet();
        if (n == 1) {
            LOG.log(Level.WARNING, "the I/O observer failed in " + call + "; its reports are skipped, I/O goes on", e);
        } else {
            LOG.log(Level.FINE, () -> "the I/O observer failed in " + call + " (" + n + " failures): " + e);
        }
    }
}

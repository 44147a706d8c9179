package io.basalt.packaging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.DeferredProcessingAware;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import java.util.concurrent.TimeUnit;

/**
 * A console appender (type {@code slow-console}) that takes 300 ms to write each line, as a loaded
 * machine's first write may: Dropwizard wraps it in its asynchronous appender like any other, and
 * the write happens on that appender's worker thread. It spins rather than sleeps, so the worker
 * cannot be interrupted out of the write.
 */
@JsonTypeName("slow-console")
public class SlowConsoleAppenderFactory<E extends DeferredProcessingAware> extends ConsoleAppenderFactory<E> {
    static final long WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Override
    protected OutputStreamAppender<E> appender(LoggerContext context) {
        ConsoleAppender<E> slow = new ConsoleAppender<>() {
            @Override
            protected void subAppend(E event) {
                long end = System.nanoTime() + WRITE_NANOS;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                super.subAppend(event);
            }
        };
        slow.setName("slow-console-appender");
        slow.setContext(context);
        slow.setTarget(getTarget().get());
        return slow;
    }
}

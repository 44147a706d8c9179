package io.basalt.admin.core;

import io.basalt.admin.api.ErrorBody;
import io.basalt.admin.api.OperationView;
import io.basalt.admin.errors.ApiException;
import io.basalt.admin.errors.EngineExceptionMapper;
import io.basalt.engine.EngineException;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long operations (scrub, clean, reclaim) run one at a time on a background thread; the API
 * answers 202 with an operation to poll. The registry is in memory and per node: it forgets
 * finished operations beyond the newest {@value #KEEP_FINISHED}, and all of them on restart.
 *
 * <p>Progress is 0 until an operation finishes and 1 after: the engine's scrub and clean
 * report no intermediate progress yet.
 */
public final class OperationService implements Managed {
    static final int KEEP_FINISHED = 100;
    private static final Logger LOG = LoggerFactory.getLogger(OperationService.class);

    /** The states an operation goes through. */
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    private static final class Op {
        final String id;
        final String type;
        final String target;
        final long created = System.currentTimeMillis();
        volatile State state = State.QUEUED;
        volatile long started;
        volatile long finished;
        volatile Map<String, Object> result;
        volatile ErrorBody error;

        Op(String id, String type, String target) {
            this.id = id;
            this.type = type;
            this.target = target;
        }

        OperationView view() {
            State s = state;
            return new OperationView(id, type, target, s.name().toLowerCase(java.util.Locale.ROOT),
                    s == State.SUCCEEDED || s == State.FAILED ? 1.0 : 0.0,
                    Times.iso(created), Times.iso(started), Times.iso(finished), result, error);
        }
    }

    private volatile boolean stopping;
    private final Map<String, Op> ops = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "basalt-admin-operations");
        t.setDaemon(true);
        return t;
    });

    /**
     * Queues {@code work}; an operation of the same type and target that has not finished is
     * returned instead of queueing a second one.
     */
    public OperationView submit(String type, String target, Supplier<Map<String, Object>> work) {
        Op op;
        synchronized (ops) {
            Optional<Op> pending = ops.values().stream()
                    .filter(o -> o.type.equals(type) && java.util.Objects.equals(o.target, target))
                    .filter(o -> o.state == State.QUEUED || o.state == State.RUNNING)
                    .findFirst();
            if (pending.isPresent()) {
                return pending.get().view();
            }
            op = new Op(UUID.randomUUID().toString(), type, target);
            ops.put(op.id, op);
            trim();
        }
        try {
            worker.execute(() -> run(op, work));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ops.remove(op.id);
            throw new ApiException(503, "shutting_down", "this node is shutting down");
        }
        return op.view();
    }

    private void run(Op op, Supplier<Map<String, Object>> work) {
        if (stopping) {
            op.error = new ErrorBody(503, "shutting_down", "the node shut down before this operation started");
            op.state = State.FAILED;
            op.finished = System.currentTimeMillis();
            return;
        }
        op.started = System.currentTimeMillis();
        op.state = State.RUNNING;
        try {
            op.result = work.get();
            op.state = State.SUCCEEDED;
        } catch (ApiException e) {
            op.error = new ErrorBody(e.status(), e.code(), e.getMessage());
            op.state = State.FAILED;
        } catch (EngineException e) {
            op.error = new ErrorBody(EngineExceptionMapper.status(e.kind()), EngineExceptionMapper.code(e.kind()), e.getMessage());
            op.state = State.FAILED;
        } catch (RuntimeException e) {
            LOG.error("operation {} ({} {}) failed", op.id, op.type, op.target, e);
            op.error = new ErrorBody(500, "internal_error", "operation failed; see the server log");
            op.state = State.FAILED;
        } finally {
            op.finished = System.currentTimeMillis();
        }
    }

    public Optional<OperationView> get(String id) {
        Op op = ops.get(id);
        return op == null ? Optional.empty() : Optional.of(op.view());
    }

    /** Newest first. */
    public List<OperationView> list() {
        List<Op> copy;
        synchronized (ops) {
            copy = new ArrayList<>(ops.values());
        }
        copy.sort(Comparator.comparingLong((Op o) -> o.created).reversed());
        return copy.stream().map(Op::view).toList();
    }

    /** Operations queued or running now. */
    public int active() {
        synchronized (ops) {
            return (int) ops.values().stream().filter(o -> o.state == State.QUEUED || o.state == State.RUNNING).count();
        }
    }

    /** Caller holds the ops lock. */
    private void trim() {
        List<Op> finished = ops.values().stream().filter(o -> o.state == State.SUCCEEDED || o.state == State.FAILED).toList();
        for (int i = 0; i < finished.size() - KEEP_FINISHED; i++) {
            ops.remove(finished.get(i).id);
        }
    }

    @Override
    public void start() {
    }

    /**
     * Lets the running operation finish and fails queued ones. Never interrupts: an interrupt
     * inside the engine's file I/O would close a channel every reader shares.
     */
    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        worker.shutdown();
        if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("an admin operation is still running at shutdown");
        }
    }
}

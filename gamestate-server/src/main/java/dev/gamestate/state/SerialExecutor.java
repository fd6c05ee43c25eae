package dev.gamestate.state;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named thread that runs tasks in the order they were submitted, from a bounded queue. State
 * touched only by its tasks needs no lock. {@link #execute} waits while the queue is full (back
 * pressure for producers that may wait, such as etcd's watch stream); {@link #tryExecute} refuses
 * instead (for producers that must not, such as Netty event loops).
 */
public final class SerialExecutor implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final BlockingQueue<Runnable> queue;
    private final int capacity;
    private final Thread thread;
    private volatile boolean closed;

    private SerialExecutor(String name, int capacity) {
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    }

    /** Starts a thread named {@code name} whose queue holds at most {@code capacity} tasks. */
    public static SerialExecutor start(String name, int capacity) {
        SerialExecutor executor = new SerialExecutor(name, capacity);
        executor.thread.start();
        return executor;
    }

    /** Queues {@code task}, waiting for room while the queue is full; dropped once closed. */
    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            // From its own thread a full queue would never drain: waiting would deadlock.
            if (!queue.offer(task)) {
                throw new RejectedExecutionException(thread.getName() + " is full (" + capacity + " tasks)");
            }
            return;
        }
        try {
            while (!closed && !queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
                // full: the consumer is behind; the producer waits (its caller sees back pressure)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues {@code task} unless the queue is full or the executor closed; false when refused. */
    public boolean tryExecute(Runnable task) {
        return !closed && queue.offer(task);
    }

    /** True when called from this executor's thread. */
    public boolean inThread() {
        return Thread.currentThread() == thread;
    }

    /** Tasks waiting. */
    public int depth() {
        return queue.size();
    }

    /** The most tasks that may wait. */
    public int capacity() {
        return capacity;
    }

    private void loop() {
        while (!closed) {
            Runnable task;
            try {
                task = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (task == null) {
                continue;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("a task on {} failed; the thread goes on with the next. A bug: report it with this stack"
                        + " trace", thread.getName(), e);
            }
        }
    }

    /** Stops the thread; tasks still queued are dropped. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
    }
}

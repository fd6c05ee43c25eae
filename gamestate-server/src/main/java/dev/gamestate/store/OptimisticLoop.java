package dev.gamestate.store;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a read-then-guarded-transaction attempt again until it settles. An attempt answers a value when
 * it settled, or empty when its transaction lost a comparison to a concurrent writer; then it runs
 * again on fresh reads after a short random pause. An attempt that failed to reach etcd runs again
 * once as well: its transaction's outcome is unknown, and running the same guarded transaction again
 * is how it is settled (it can never apply twice). Pauses are timers on the node's scheduler, and
 * the next attempt starts there.
 */
final class OptimisticLoop {

    /** Attempts before a request under heavy contention gives up with {@code unavailable}. */
    static final int MAX_ATTEMPTS = 32;
    /** Failed etcd calls tolerated per request: the first is settled by one more attempt. */
    static final int MAX_ETCD_FAILURES = 2;
    /** What a client is told to wait after the attempts ran out. */
    static final long RETRY_AFTER_MS = 250;
    private static final int MAX_PAUSE_MS = 40;

    private OptimisticLoop() {
    }

    /**
     * Runs {@code attempt} until it yields a value, fails for good, or the attempts run out; the pauses
     * between attempts are timers on {@code scheduler}.
     */
    static <T> CompletableFuture<T> run(Supplier<CompletableFuture<Optional<T>>> attempt,
                                        ScheduledExecutorService scheduler) {
        return run(attempt, scheduler, () -> { });
    }

    /** As {@link #run(Supplier, ScheduledExecutorService)}, calling {@code lost} each time an attempt lost a race. */
    static <T> CompletableFuture<T> run(Supplier<CompletableFuture<Optional<T>>> attempt,
                                        ScheduledExecutorService scheduler, Runnable lost) {
        CompletableFuture<T> result = new CompletableFuture<>();
        step(attempt, scheduler, lost, 0, 0, result);
        return result;
    }

    private static <T> void step(Supplier<CompletableFuture<Optional<T>>> attempt, ScheduledExecutorService scheduler,
                                 Runnable lost, int tries, int failures, CompletableFuture<T> result) {
        CompletableFuture<Optional<T>> next;
        try {
            next = attempt.get();
        } catch (RuntimeException e) {
            next = CompletableFuture.failedFuture(e);
        }
        next.whenComplete((value, error) -> {
            boolean attemptsLeft = tries + 1 < MAX_ATTEMPTS;
            if (error == null && value.isPresent()) {
                result.complete(value.get());
                return;
            }
            if (error == null) {
                lost.run();
            }
            if (error == null && attemptsLeft) {
                later(scheduler, tries, result, () -> step(attempt, scheduler, lost, tries + 1, failures, result));
            } else if (error == null) {
                result.completeExceptionally(new GameException(ErrorCode.UNAVAILABLE,
                        "too many concurrent changes to the same wallet; retry", RETRY_AFTER_MS));
            } else {
                GameException failure = GameException.from(error);
                if (failure.code() == ErrorCode.UNAVAILABLE && failures + 1 < MAX_ETCD_FAILURES && attemptsLeft) {
                    later(scheduler, tries, result,
                            () -> step(attempt, scheduler, lost, tries + 1, failures + 1, result));
                } else {
                    result.completeExceptionally(failure);
                }
            }
        });
    }

    // A random pause that grows with the attempts spreads racing writers apart.
    private static void later(ScheduledExecutorService scheduler, int tries, CompletableFuture<?> result,
                              Runnable step) {
        long bound = Math.min(MAX_PAUSE_MS, 2L << Math.min(tries, 10));
        long pause = ThreadLocalRandom.current().nextLong(1, bound + 1);
        try {
            scheduler.schedule(step, pause, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new GameException(ErrorCode.UNAVAILABLE, "the node is shutting down",
                    RETRY_AFTER_MS, e));
        }
    }
}

package dev.gamestate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OptimisticLoopTest {

    private final AtomicInteger attempts = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("test-scheduler").factory());

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void aLostComparisonRunsTheAttemptAgainUntilItSettles() throws Exception {
        CompletableFuture<String> result = OptimisticLoop.run(() -> CompletableFuture.completedFuture(
                attempts.incrementAndGet() < 5 ? Optional.empty() : Optional.of("done")), scheduler);
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(attempts).hasValue(5);
    }

    @Test
    void endlessContentionGivesUpWithUnavailableAndAHint() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.empty());
        }, scheduler);
        GameException error = failure(result);
        assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(error.retryAfterMs()).isPresent();
        assertThat(attempts).hasValue(OptimisticLoop.MAX_ATTEMPTS);
    }

    @Test
    void aFailedEtcdCallIsSettledByOneMoreAttempt() throws Exception {
        CompletableFuture<String> result = OptimisticLoop.run(() -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "timeout", 500))
                : CompletableFuture.completedFuture(Optional.of("settled")), scheduler);
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("settled");
    }

    @Test
    void etcdFailingAgainAnswersUnavailable() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "down", 500));
        }, scheduler);
        assertThat(failure(result).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(attempts).hasValue(OptimisticLoop.MAX_ETCD_FAILURES);
    }

    @Test
    void aRuleThatFailsEndsTheLoopAtOnce() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            throw new GameException(ErrorCode.OUT_OF_STOCK, "none left");
        }, scheduler);
        assertThat(failure(result).code()).isEqualTo(ErrorCode.OUT_OF_STOCK);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void theRetriesWaitOnTheSchedulerTheyAreGiven() throws Exception {
        AtomicInteger onScheduler = new AtomicInteger();
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            if (Thread.currentThread().getName().equals("test-scheduler")) {
                onScheduler.incrementAndGet();
            }
            return CompletableFuture.completedFuture(attempts.incrementAndGet() < 3 ? Optional.empty() : Optional.of("x"));
        }, scheduler);
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("x");
        assertThat(onScheduler).hasValue(2);
    }

    @Test
    void aSchedulerThatWasShutDownEndsTheLoopWithUnavailable() {
        scheduler.shutdownNow();
        CompletableFuture<String> result = OptimisticLoop.run(
                () -> CompletableFuture.completedFuture(Optional.empty()), scheduler);
        assertThat(failure(result).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    private static GameException failure(CompletableFuture<?> future) {
        return GameException.from(catchThrowable(() -> future.get(5, TimeUnit.SECONDS)));
    }
}

package dev.gamestate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OptimisticLoopTest {

    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void aLostComparisonRunsTheAttemptAgainUntilItSettles() throws Exception {
        CompletableFuture<String> result = OptimisticLoop.run(() -> CompletableFuture.completedFuture(
                attempts.incrementAndGet() < 5 ? Optional.empty() : Optional.of("done")));
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(attempts).hasValue(5);
    }

    @Test
    void endlessContentionGivesUpWithUnavailableAndAHint() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.empty());
        });
        GameException error = failure(result);
        assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(error.retryAfterMs()).isPresent();
        assertThat(attempts).hasValue(OptimisticLoop.MAX_ATTEMPTS);
    }

    @Test
    void aFailedEtcdCallIsSettledByOneMoreAttempt() throws Exception {
        CompletableFuture<String> result = OptimisticLoop.run(() -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "timeout", 500))
                : CompletableFuture.completedFuture(Optional.of("settled")));
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("settled");
    }

    @Test
    void etcdFailingAgainAnswersUnavailable() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "down", 500));
        });
        assertThat(failure(result).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(attempts).hasValue(OptimisticLoop.MAX_ETCD_FAILURES);
    }

    @Test
    void aRuleThatFailsEndsTheLoopAtOnce() {
        CompletableFuture<String> result = OptimisticLoop.run(() -> {
            attempts.incrementAndGet();
            throw new GameException(ErrorCode.OUT_OF_STOCK, "none left");
        });
        assertThat(failure(result).code()).isEqualTo(ErrorCode.OUT_OF_STOCK);
        assertThat(attempts).hasValue(1);
    }

    private static GameException failure(CompletableFuture<?> future) {
        return GameException.from(catchThrowable(() -> future.get(5, TimeUnit.SECONDS)));
    }
}

package dev.gamestate.state;

import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The node's one etcd client and the rule every call follows: bounded by {@code etcd.requestTimeout},
 * and a failed call is classified once ({@link EtcdFault}), counted and logged ({@link EtcdFaults}),
 * and surfaces as {@code unavailable} with a message that says why.
 *
 * <p>Threads: jetcd completes its futures on the executor it is given (the node's, see
 * {@code app/GameNode}); request timeouts fire on the node's scheduler, never on the JDK's delay thread.
 */
public final class Etcd implements AutoCloseable {

    /** What a client is told to wait before retrying after {@code unavailable}. */
    private static final long RETRY_AFTER_MS = 500;

    private final Client client;
    private final DirectKv direct;
    private final Keys keys;
    private final Duration requestTimeout;
    private final EtcdFaults faults;
    private final ScheduledExecutorService timers;
    private final EtcdTimings timings;
    private final Runnable closeThreads;

    private Etcd(Client client, DirectKv direct, Keys keys, Duration requestTimeout, String endpoints,
                 ScheduledExecutorService timers, EtcdTimings timings, Runnable closeThreads) {
        this.client = client;
        this.direct = direct;
        this.keys = keys;
        this.requestTimeout = requestTimeout;
        this.faults = new EtcdFaults(endpoints, System::nanoTime);
        this.timers = timers;
        this.timings = timings;
        this.closeThreads = closeThreads;
    }

    /**
     * Connects lazily to the configured endpoints; the first call opens the channel. jetcd runs its
     * callbacks on {@code callbacks} and request timeouts fire on {@code timers}; both belong to the
     * caller, who shuts them down after {@link #close}. Every call's latency goes to {@code timings}.
     */
    public static Etcd create(GameConfig.Etcd config, ExecutorService callbacks, ScheduledExecutorService timers,
                              EtcdTimings timings) {
        return create(config, callbacks, timers, timings, () -> { });
    }

    /**
     * For tests and tools: a client with threads of its own (a cached pool for jetcd's callbacks, one
     * timer thread), shut down by {@link #close}. A node passes its own ({@link #create(GameConfig.Etcd,
     * ExecutorService, ScheduledExecutorService, EtcdTimings)}).
     */
    public static Etcd create(GameConfig.Etcd config) {
        ExecutorService callbacks = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
                .name("etcd-callback-", 0).factory());
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                .name("etcd-timer").factory());
        timers.setRemoveOnCancelPolicy(true);
        return create(config, callbacks, timers, EtcdTimings.NONE, () -> {
            callbacks.shutdownNow();
            timers.shutdownNow();
        });
    }

    private static Etcd create(GameConfig.Etcd config, ExecutorService callbacks, ScheduledExecutorService timers,
                               EtcdTimings timings, Runnable closeThreads) {
        ClientBuilder builder = Client.builder()
                .executorService(callbacks)
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(config.requestTimeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(config.requestTimeout());
        config.user().ifPresent(u -> builder.user(Keys.bytes(u)));
        config.password().ifPresent(p -> builder.password(Keys.bytes(p.value())));
        config.tls().ifPresent(tls -> {
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(tls.caFile().toFile());
                    if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
                        ssl.keyManager(tls.certFile().get().toFile(), tls.keyFile().get().toFile());
                    }
                });
            } catch (javax.net.ssl.SSLException e) {
                throw new ConfigException("etcd.tls", "cannot load the TLS files: " + e.getMessage());
            }
        });
        return new Etcd(builder.build(), new DirectKv(EtcdChannels.create(config), config.requestTimeout(),
                timings), new Keys(config.keyPrefix()), config.requestTimeout(), String.join(",", config.endpoints()),
                timers, timings, closeThreads);
    }

    /** The key layout. */
    public Keys keys() {
        return keys;
    }

    /** The KV client; wrap calls in {@link #call(EtcdOp, Supplier)}. */
    public KV kv() {
        return client.getKVClient();
    }

    /** The KV service without jetcd in between, for the room commit path. */
    DirectKv direct() {
        return direct;
    }

    /** The maintenance client (alarms, status). */
    public Maintenance maintenance() {
        return client.getMaintenanceClient();
    }

    /** Failed calls by kind, for the metrics. */
    public EtcdFaults faults() {
        return faults;
    }

    /** The lease client. */
    public Lease lease() {
        return client.getLeaseClient();
    }

    /** The watch client. */
    public Watch watch() {
        return client.getWatchClient();
    }

    /** The per-request timeout. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Runs {@code call}, an RPC of kind {@code op}, with the request timeout, and reports its latency
     * and outcome to the node's {@link EtcdTimings}. Any failure that is not already a
     * {@link GameException} is classified, counted, logged (rate-limited) and becomes
     * {@code unavailable} saying why.
     */
    public <T> CompletableFuture<T> call(EtcdOp op, Supplier<CompletableFuture<T>> call) {
        long sent = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            timings.call(op, false, System.nanoTime() - sent);
            return CompletableFuture.failedFuture(failure(e));
        }
        return withTimeout(future).handle((value, error) -> {
            timings.call(op, error == null, System.nanoTime() - sent);
            if (error != null) {
                throw failure(error);
            }
            return value;
        });
    }

    // As orTimeout, but the timer runs on the node's scheduler and is cancelled (and removed) once etcd
    // answers. The timeout completes jetcd's own future, which cancels the gRPC call behind it: a call
    // to a frozen member must not linger past its deadline (jetcd's future is a Failsafe future).
    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> call) {
        if (call.isDone()) {
            return call;
        }
        ScheduledFuture<?> timer;
        try {
            timer = timers.schedule(() -> call.completeExceptionally(new TimeoutException()),
                    requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            call.cancel(false);
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE,
                    "the node is shutting down", RETRY_AFTER_MS, e));
        }
        call.whenComplete((value, error) -> timer.cancel(false));
        return call;
    }

    /** True when etcd answers a read within the timeout. */
    public CompletableFuture<Boolean> ping() {
        return call(EtcdOp.RANGE, () -> kv().get(Keys.bytes(keys.nodes()),
                        GetOption.builder().withCountOnly(true).build()))
                .handle((r, e) -> e == null);
    }

    /**
     * Readiness: etcd answers a read and would take a write. The write is a transaction whose compare
     * never holds ({@code version < 0}) around a put: it changes nothing, not even the revision, but
     * etcd weighs the put against its quota and refuses it under the NOSPACE alarm. Completes with
     * true, or fails with the {@code unavailable} error saying why.
     */
    public CompletableFuture<Boolean> ready() {
        ByteSequence probe = Keys.bytes(keys.nodes());
        return call(EtcdOp.RANGE, () -> kv().get(probe, GetOption.builder().withCountOnly(true).build()))
                .thenCompose(read -> call(EtcdOp.TXN, () -> kv().txn()
                        .If(new Cmp(probe, Cmp.Op.LESS, CmpTarget.version(0)))
                        .Then(Op.put(probe, ByteSequence.EMPTY, PutOption.DEFAULT))
                        .commit()))
                .thenApply(write -> true);
    }

    /**
     * What a failed etcd call surfaces as: {@code unavailable} saying why, once the failure was
     * classified, counted and (rate-limited) logged. A {@link GameException} passes through untouched.
     * For calls that do not go through {@link #call(EtcdOp, Supplier)} (the room commit path's {@link DirectKv}).
     */
    public GameException failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof GameException ge) {
            return ge;
        }
        EtcdFault fault = EtcdFault.of(cause);
        faults.record(fault);
        return new GameException(ErrorCode.UNAVAILABLE, fault.clientMessage(), RETRY_AFTER_MS, cause);
    }

    /**
     * The error a failed etcd call surfaces as; a {@link GameException} (what {@link #call(EtcdOp, Supplier)} fails
     * with, or {@link #failure}) passes through, anything else is classified, but not counted.
     */
    public static GameException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof GameException ge) {
            return ge;
        }
        return new GameException(ErrorCode.UNAVAILABLE, EtcdFault.of(cause).clientMessage(), RETRY_AFTER_MS, cause);
    }

    @Override
    public void close() {
        direct.close();
        client.close();
        closeThreads.run();
    }
}

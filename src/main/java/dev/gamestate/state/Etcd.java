package dev.gamestate.state;

import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The node's one etcd client and the rule every call follows: bounded by {@code etcd.requestTimeout},
 * and a failure to reach etcd surfaces as {@code unavailable}.
 */
public final class Etcd implements AutoCloseable {

    /** What a client is told to wait before retrying after {@code unavailable}. */
    private static final long RETRY_AFTER_MS = 500;

    private final Client client;
    private final DirectKv direct;
    private final Keys keys;
    private final Duration requestTimeout;

    private Etcd(Client client, DirectKv direct, Keys keys, Duration requestTimeout) {
        this.client = client;
        this.direct = direct;
        this.keys = keys;
        this.requestTimeout = requestTimeout;
    }

    /** Connects lazily to the configured endpoints; the first call opens the channel. */
    public static Etcd create(GameConfig.Etcd config) {
        ClientBuilder builder = Client.builder()
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
        return new Etcd(builder.build(), new DirectKv(EtcdChannels.create(config), config.requestTimeout()),
                new Keys(config.keyPrefix()), config.requestTimeout());
    }

    /** The key layout. */
    public Keys keys() {
        return keys;
    }

    /** The KV client; wrap calls in {@link #call}. */
    public KV kv() {
        return client.getKVClient();
    }

    /** The KV service without jetcd in between, for the room commit path. */
    DirectKv direct() {
        return direct;
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
     * Runs {@code call} with the request timeout. Any failure that is not already a
     * {@link GameException} becomes {@code unavailable}.
     */
    public <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(e));
        }
        return future.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((value, error) -> {
                    if (error != null) {
                        throw unavailable(error);
                    }
                    return value;
                });
    }

    /** True when etcd answers a read within the timeout. */
    public CompletableFuture<Boolean> ping() {
        return call(() -> kv().get(Keys.bytes(keys.nodes()), GetOption.builder().withCountOnly(true).build()))
                .handle((r, e) -> e == null);
    }

    /** The error a failed etcd call surfaces as; a {@link GameException} passes through. */
    public static GameException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof GameException ge) {
            return ge;
        }
        boolean late = cause instanceof TimeoutException
                || io.grpc.Status.fromThrowable(cause).getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED;
        String message = late ? "etcd did not answer in time" : "etcd is unreachable";
        return new GameException(ErrorCode.UNAVAILABLE, message, RETRY_AFTER_MS);
    }

    @Override
    public void close() {
        direct.close();
        client.close();
    }
}

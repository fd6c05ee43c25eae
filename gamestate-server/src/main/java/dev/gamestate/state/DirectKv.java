package dev.gamestate.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * etcd's KV service called straight through its gRPC stub, for the node's hot path (room commits and
 * room reads). jetcd's KV client copies every key and value into a {@code ByteSequence} (hashing each
 * twice), runs each call through a retry policy on its own thread pool and converts the answer back:
 * per transaction, two copies of every value and two thread hops before the request reaches the
 * wire. Here a request is built once around the caller's bytes ({@link #wrap}, no copy), sent on the
 * current endpoint's channel with the request timeout as its gRPC deadline, and answered on gRPC's
 * transport thread; callers hop to their own thread from there.
 *
 * <p>Failures are gRPC {@code StatusRuntimeException}s. A call is never retried here (a transaction
 * whose answer was lost may have been applied; the caller decides), but an {@code UNAVAILABLE} or
 * a deadline passed moves later calls to the next endpoint, and an expired auth token is renewed and the call sent once
 * more (etcd refused it before applying anything).
 */
final class DirectKv implements AutoCloseable {

    private static final Optional<String> NO_TOKEN = Optional.empty();

    private final EtcdChannels channels;
    private final long timeoutMillis;
    private final EtcdTimings timings;
    private volatile int endpoint;
    // The auth token, when etcd wants one: fetched once, renewed when etcd says it expired.
    private volatile CompletableFuture<Optional<String>> token;

    DirectKv(EtcdChannels channels, Duration requestTimeout) {
        this(channels, requestTimeout, EtcdTimings.NONE);
    }

    /** As the node builds it: every call's latency and outcome go to {@code timings}. */
    DirectKv(EtcdChannels channels, Duration requestTimeout, EtcdTimings timings) {
        this.channels = channels;
        this.timeoutMillis = requestTimeout.toMillis();
        this.timings = timings;
        this.endpoint = channels.nextEndpoint();
        // null: fetched by the first call
        this.token = channels.authenticates() ? null : CompletableFuture.completedFuture(NO_TOKEN);
    }

    /** {@code bytes} as a protobuf byte string, without a copy: the caller must not change them afterwards. */
    static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    /** Sends {@code request}; completes on gRPC's thread. */
    CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return timed(EtcdOp.TXN, () -> call((stub, answer) -> stub.txn(request, answer), true));
    }

    /** Reads {@code request} (linearizable unless it says otherwise); completes on gRPC's thread. */
    CompletableFuture<RangeResponse> range(RangeRequest request) {
        return timed(EtcdOp.RANGE, () -> call((stub, answer) -> stub.range(request, answer), true));
    }

    // Measured around the whole call, a token renewal and its second try included: what the caller waited.
    private <R> CompletableFuture<R> timed(EtcdOp op, Supplier<CompletableFuture<R>> call) {
        long sent = System.nanoTime();
        return call.get().whenComplete((value, error) -> timings.call(op, error == null, System.nanoTime() - sent));
    }

    private <R> CompletableFuture<R> call(BiConsumer<KVGrpc.KVStub, StreamObserver<R>> method, boolean renewToken) {
        int target = endpoint;
        return token(target).thenCompose(currentToken -> {
            CompletableFuture<R> answer = new CompletableFuture<>();
            KVGrpc.KVStub stub = KVGrpc.newStub(channels.channel(target))
                    .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
            if (currentToken.isPresent()) {
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        EtcdChannels.tokenHeaders(currentToken.get())));
            }
            method.accept(stub, new Answer<>(answer));
            return answer;
        }).exceptionallyCompose(error -> {
            Status status = Status.fromThrowable(error);
            if (renewToken && isExpiredToken(status)) {
                synchronized (this) {
                    token = null;
                }
                return call(method, false);
            }
            // A member that is down, or cut off from the leader (it answers nothing until the
            // deadline): the next calls go to the next endpoint.
            if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                moveOn(target);
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    private synchronized CompletableFuture<Optional<String>> token(int target) {
        if (token == null) {
            CompletableFuture<AuthenticateResponse> answer = new CompletableFuture<>();
            AuthGrpc.newStub(channels.channel(target))
                    .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                    .authenticate(channels.credentials(), new Answer<>(answer));
            CompletableFuture<Optional<String>> fetched = answer.thenApply(r -> Optional.of(r.getToken()));
            token = fetched;
            // A refused authentication is not kept: the next call asks again.
            fetched.whenComplete((t, error) -> {
                if (error != null) {
                    synchronized (this) {
                        if (token == fetched) {
                            token = null;
                        }
                    }
                }
            });
        }
        return token;
    }

    private void moveOn(int failed) {
        synchronized (this) {
            if (endpoint == failed) {
                endpoint = channels.nextEndpoint();
                if (channels.authenticates()) {
                    token = null; // tokens are issued per member
                }
            }
        }
    }

    private static boolean isExpiredToken(Status status) {
        return status.getCode() == Status.Code.UNAUTHENTICATED
                || String.valueOf(status.getDescription()).contains("auth token");
    }

    @Override
    public void close() {
        channels.close();
    }

    /** Completes a future with a unary call's one answer. */
    private record Answer<R>(CompletableFuture<R> future) implements StreamObserver<R> {

        @Override
        public void onNext(R value) {
            future.complete(value);
        }

        @Override
        public void onError(Throwable error) {
            future.completeExceptionally(error);
        }

        @Override
        public void onCompleted() {
            // the value came in onNext
        }
    }
}

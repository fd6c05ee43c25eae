package dev.gamestate.state;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect and resume half of {@link SharedWatchStream}: which watches are live, the stream
 * they are on, and reopening it when it fails. The protocol of one stream is {@link WatchSession}.
 *
 * <p>One lock ({@code this}) guards the live set, the session and every watch's resume point; it is
 * never held while calling the delivery executor, whose listeners may call back in.
 */
final class GrpcSharedWatchStream implements SharedWatchStream {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcSharedWatchStream.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";
    private static final long BACKOFF_MIN_MS = 100;
    private static final long BACKOFF_MAX_MS = 5_000;
    private static final long DROPPED_RETRY_MS = 1_000;

    private final EtcdChannels channels;
    private final Executor delivery;
    private final Consumer<EtcdFault> faults; // counts each failure of the stream by kind
    private final ScheduledExecutorService timers;
    /**
     * Responses read from etcd and not yet through the delivery executor; etcd's stream waits past
     * it. Well under the executor's bound, so handing a response over never waits.
     */
    static final int RESPONSE_WINDOW = 256;

    // Orders hand-offs to the delivery executor across streams: an old stream's last response is
    // queued before a new stream's first. Taken before this; watch() and cancel() never take it.
    private final Object handoff = new Object();
    private final AtomicLong putsReceived = new AtomicLong();
    private final AtomicLong streamsStarted = new AtomicLong();

    private final Set<SharedWatch> live = new LinkedHashSet<>();
    private WatchSession session; // null while the stream is down
    private Optional<String> token = Optional.empty();
    private long tokenGeneration;
    private int failures;
    private boolean closed;

    GrpcSharedWatchStream(EtcdChannels channels, Executor delivery, Consumer<EtcdFault> faults) {
        this.channels = channels;
        this.delivery = delivery;
        this.faults = faults;
        this.timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("etcd-watch-stream").daemon(true).factory());
        timers.execute(this::open);
    }

    @Override
    public Watch watch(String key, String rangeEnd, long startRevision, WatchListener listener) {
        return add(new SharedWatch(WatchRange.of(key, rangeEnd), startRevision, listener, this));
    }

    @Override
    public Watch watchPrefix(String prefix, long startRevision, WatchListener listener) {
        return add(new SharedWatch(WatchRange.prefix(prefix), startRevision, listener, this));
    }

    @Override
    public Watch watchPrefixChanges(String prefix, long startRevision, ChangeListener listener) {
        return add(new SharedWatch(WatchRange.prefix(prefix), startRevision, true, listener, this));
    }

    private synchronized SharedWatch add(SharedWatch watch) {
        if (closed) {
            throw new IllegalStateException("the watch stream is closed");
        }
        live.add(watch);
        if (session != null) {
            session.create(watch);
        }
        // While the stream is down the watch waits in live; open() creates it.
        return watch;
    }

    synchronized void cancel(SharedWatch watch) {
        live.remove(watch);
        if (watch.session() != null) {
            watch.session().cancel(watch);
        }
    }

    @Override
    public synchronized int liveWatches() {
        return live.size();
    }

    @Override
    public long putsReceived() {
        return putsReceived.get();
    }

    @Override
    public long streamsStarted() {
        return streamsStarted.get();
    }

    /** Opens a stream on the next endpoint and creates every live watch on it; runs on the timer thread. */
    private void open() {
        int endpoint = channels.nextEndpoint();
        Optional<String> currentToken;
        long generation;
        synchronized (this) {
            if (closed || session != null) {
                return;
            }
        }
        try {
            synchronized (this) {
                currentToken = token;
            }
            if (channels.authenticates() && currentToken.isEmpty()) {
                currentToken = Optional.of(channels.authenticate(endpoint));
                synchronized (this) {
                    token = currentToken;
                    tokenGeneration++;
                }
            }
        } catch (RuntimeException e) {
            faults.accept(EtcdFault.of(e));
            reopenLater("cannot authenticate at " + channels.endpoint(endpoint) + ": " + e.getMessage());
            return;
        }
        synchronized (this) {
            generation = currentToken.isPresent() ? tokenGeneration : WatchSession.NO_TOKEN;
        }
        Responses responses = new Responses(generation);
        try {
            // Callbacks run on gRPC's transport thread (no hop to its executor); what they hand to
            // the delivery executor is bounded by the stream's flow control (RESPONSE_WINDOW).
            WatchGrpc.newStub(channels.channel(endpoint))
                    .withExecutor(Runnable::run)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(EtcdChannels.watchHeaders(currentToken)))
                    .watch(responses);
            responses.session.request(RESPONSE_WINDOW - 1);
        } catch (RuntimeException e) {
            synchronized (this) {
                if (session == responses.session) {
                    session = null;
                }
            }
            faults.accept(EtcdFault.of(e));
            reopenLater("cannot open a stream on " + channels.endpoint(endpoint) + ": " + e);
            return;
        }
        synchronized (this) {
            if (closed) {
                responses.session.close();
                return;
            }
            if (session != responses.session) {
                return; // failed at once: ended() has scheduled another
            }
            streamsStarted.incrementAndGet();
            for (SharedWatch watch : live) {
                if (watch.session() != session) { // one added meanwhile is on this session already
                    session.create(watch);
                }
            }
            session.start();
            LOG.info("watch stream open on {} with {} watches", channels.endpoint(endpoint), live.size());
        }
    }

    private void reopenLater(String why) {
        long delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            failures++;
            long ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS << Math.min(failures - 1, 10));
            delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        }
        LOG.warn("watch stream down ({}); reopening in {} ms, live pushes pause and resume where they"
                + " stopped." + CHECK_ETCD, why, delay);
        later(this::open, delay);
    }

    /** Runs {@code task} on the timer thread after {@code delayMs}, unless closed by then. */
    private void later(Runnable task, long delayMs) {
        try {
            timers.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing to reopen or retry
        }
    }

    private void received(WatchSession from, WatchResponse response) {
        synchronized (handoff) {
            StreamAnswer answer;
            synchronized (this) {
                if (session != from) {
                    return;
                }
                answer = from.read(response);
                if (from.answered()) {
                    failures = 0;
                }
                switch (answer) {
                    case StreamAnswer.Ended ended -> live.remove(ended.watch());
                    case StreamAnswer.Dropped dropped -> {
                        LOG.warn("etcd dropped {} ({}); creating it again from where it stopped." + CHECK_ETCD,
                                dropped.watch(), dropped.reason());
                        later(() -> recreate(dropped.watch()), DROPPED_RETRY_MS);
                    }
                    case StreamAnswer.Denied denied -> {
                        token = Optional.empty();
                        restart(from, "watch denied, renewing the token: " + denied.reason());
                    }
                    default -> {
                    }
                }
            }
            // The next response is asked for once this one is off our hands: delivered, or not
            // to be delivered at all. etcd's stream waits meanwhile (HTTP/2 flow control).
            switch (answer) {
                case StreamAnswer.Changes changes -> {
                    putsReceived.addAndGet(changes.changes().size());
                    delivery.execute(() -> {
                        try {
                            changes.watch().deliver(changes.changes());
                        } finally {
                            from.requestNext();
                        }
                    });
                }
                case StreamAnswer.Ended ended -> delivery.execute(() -> {
                    try {
                        ended.watch().end(ended.end());
                    } finally {
                        from.requestNext();
                    }
                });
                default -> from.requestNext();
            }
        }
    }

    private synchronized void recreate(SharedWatch watch) {
        if (session != null && live.contains(watch) && watch.session() == null) {
            session.create(watch);
        }
    }

    /** Caller holds this. Drops {@code from} and every watch's place on it, and opens another. */
    private void restart(WatchSession from, String why) {
        session = null;
        for (SharedWatch watch : live) {
            watch.bind(null);
        }
        from.close();
        later(() -> reopenLater(why), 0);
    }

    private synchronized void ended(WatchSession from, Throwable error) {
        if (session != from || closed) {
            return;
        }
        faults.accept(EtcdFault.of(error));
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNAUTHENTICATED
                || String.valueOf(status.getDescription()).contains("auth token")) {
            token = Optional.empty();
        }
        if (from.answered()) {
            failures = 0;
        }
        restart(from, status.getCode() + " " + status.getDescription());
    }

    @Override
    public void close() {
        WatchSession open;
        synchronized (this) {
            closed = true;
            open = session;
            session = null;
            live.forEach(SharedWatch::stop);
            live.clear();
        }
        if (open != null) {
            open.close();
        }
        timers.shutdownNow();
        channels.close();
    }

    /** One stream's callbacks, on gRPC's transport thread, one at a time. */
    private final class Responses implements ClientResponseObserver<WatchRequest, WatchResponse> {

        private final long tokenGeneration;
        private WatchSession session;

        Responses(long tokenGeneration) {
            this.tokenGeneration = tokenGeneration;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
            requests.disableAutoInboundFlowControl(); // one response asked for at the start; open() asks the rest
            // Before the call starts, so no callback can come before the session exists.
            synchronized (GrpcSharedWatchStream.this) {
                session = new WatchSession(requests, tokenGeneration);
                if (!closed) {
                    GrpcSharedWatchStream.this.session = session;
                }
            }
        }

        @Override
        public void onNext(WatchResponse response) {
            received(session, response);
        }

        @Override
        public void onError(Throwable error) {
            ended(session, error);
        }

        @Override
        public void onCompleted() {
            ended(session, Status.UNAVAILABLE.withDescription("etcd ended the watch stream").asException());
        }
    }
}

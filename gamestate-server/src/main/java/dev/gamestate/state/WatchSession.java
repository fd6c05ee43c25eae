package dev.gamestate.state;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ClientCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol of one open Watch stream: creates go out in order and their answers come back in
 * that order (which is how a watch learns its id), cancels go out by id, and each response is read
 * as a {@link StreamAnswer}. Not thread-safe: its owner calls it under its lock.
 */
final class WatchSession {

    /** Creates sent and not answered yet; the rest wait, so a reconnect does not flood etcd. */
    static final int MAX_CREATES_IN_FLIGHT = 64;

    /** The token generation of a stream that sends no token (no user configured). */
    static final long NO_TOKEN = -1;

    private static final StreamAnswer NOTHING = new StreamAnswer.Nothing();

    private final ClientCallStreamObserver<WatchRequest> requests;
    private final long tokenGeneration;
    // Each watch of this session is in exactly one of these three (its session() is this).
    private final ArrayDeque<SharedWatch> unsent = new ArrayDeque<>();
    private final ArrayDeque<SharedWatch> awaitingCreated = new ArrayDeque<>();
    private final Map<Long, SharedWatch> byId = new HashMap<>();
    private final Map<SharedWatch, Long> ids = new HashMap<>();
    private boolean answered;
    // gRPC refuses messages on a call that has not started; the session is known (and watches may be
    // added to it) a moment before: creates wait in unsent until start().
    private boolean started;

    WatchSession(ClientCallStreamObserver<WatchRequest> requests, long tokenGeneration) {
        this.requests = requests;
        this.tokenGeneration = tokenGeneration;
    }

    /** Creates {@code watch} on this stream at its resume point, as soon as in-flight creates allow. */
    void create(SharedWatch watch) {
        watch.bind(this);
        unsent.add(watch);
        sendCreates();
    }

    /** Cancels {@code watch} on the server, now if its id is known, else once its create is answered. */
    void cancel(SharedWatch watch) {
        watch.bind(null);
        if (unsent.remove(watch)) {
            return;
        }
        Long id = ids.remove(watch);
        if (id != null) {
            byId.remove(id);
            sendCancel(id);
        }
        // Otherwise its create is in flight: the answer finds it unbound and cancels that id.
    }

    /** True once etcd answered anything on this stream: it works. */
    boolean answered() {
        return answered;
    }

    /** Watches on this stream, created or about to be. */
    int size() {
        return unsent.size() + awaitingCreated.size() + byId.size();
    }

    /** Reads one response; the caller delivers what it says. */
    StreamAnswer read(WatchResponse response) {
        answered = true;
        if (response.getCreated()) {
            StreamAnswer answer = created(response);
            sendCreates();
            return answer;
        }
        SharedWatch watch = byId.get(response.getWatchId());
        if (watch == null) {
            return NOTHING; // a watch cancelled here, whose last events or cancel confirmation arrive now
        }
        long revision = response.getHeader().getRevision();
        if (response.getCanceled()) {
            forget(watch, response.getWatchId());
            return canceled(watch, response);
        }
        if (response.getEventsCount() == 0) {
            // A progress notification: every event of this watch up to revision was sent.
            watch.resumeFrom(revision + 1);
            return NOTHING;
        }
        List<WatchedChange> changes = new ArrayList<>(response.getEventsCount());
        for (Event event : response.getEventsList()) {
            KeyValue kv = event.getKv();
            if (event.getType() == Event.EventType.PUT) {
                changes.add(new WatchedPut(kv.getKey().toStringUtf8(), kv.getValue().toByteArray(), kv.getModRevision()));
            } else if (event.getType() == Event.EventType.DELETE && watch.deletes) {
                // etcd sets a delete's mod revision to the revision of the delete
                changes.add(new WatchedDelete(kv.getKey().toStringUtf8(), kv.getModRevision()));
            }
        }
        if (changes.isEmpty()) {
            return NOTHING;
        }
        watch.resumeFrom(changes.getLast().modRevision());
        return new StreamAnswer.Changes(watch, changes);
    }

    private StreamAnswer created(WatchResponse response) {
        SharedWatch watch = awaitingCreated.poll();
        if (watch == null) {
            return NOTHING; // an answer to no create of ours; etcd answers creates in order, so never
        }
        if (watch.session() != this) {
            // Cancelled while its create was in flight: now that its id is known, cancel it there too.
            if (!response.getCanceled()) {
                sendCancel(response.getWatchId());
            }
            return NOTHING;
        }
        if (response.getCanceled()) {
            watch.bind(null);
            return canceled(watch, response);
        }
        byId.put(response.getWatchId(), watch);
        ids.put(watch, response.getWatchId());
        if (watch.resumeAt() == 0) {
            // Watching "from now": now is the revision etcd answered at.
            watch.resumeFrom(response.getHeader().getRevision() + 1);
        }
        return NOTHING;
    }

    private StreamAnswer canceled(SharedWatch watch, WatchResponse response) {
        if (response.getCompactRevision() > 0) {
            return new StreamAnswer.Ended(watch, new WatchEnd.Compacted(response.getCompactRevision()));
        }
        String reason = response.getCancelReason();
        if (reason.contains("permission denied")) {
            // An expired token reads the same as a forbidden key: a watch is refused for good only
            // when a token newer than the one of its first denial is denied too (or there is none).
            if (tokenGeneration == NO_TOKEN
                    || watch.deniedWithToken() >= 0 && tokenGeneration > watch.deniedWithToken()) {
                return new StreamAnswer.Ended(watch, new WatchEnd.Refused(reason));
            }
            watch.deniedWith(tokenGeneration);
            return new StreamAnswer.Denied(watch, reason);
        }
        return new StreamAnswer.Dropped(watch, reason.isEmpty() ? "canceled by etcd" : reason);
    }

    private void forget(SharedWatch watch, long id) {
        byId.remove(id);
        ids.remove(watch);
        watch.bind(null);
    }

    /** The call has started: sends the creates that waited for it. */
    void start() {
        started = true;
        sendCreates();
    }

    private void sendCreates() {
        while (started && awaitingCreated.size() < MAX_CREATES_IN_FLIGHT && !unsent.isEmpty()) {
            SharedWatch watch = unsent.poll();
            awaitingCreated.add(watch);
            WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                    .setKey(watch.range.key())
                    .setRangeEnd(watch.range.end())
                    .setStartRevision(watch.resumeAt())
                    .setProgressNotify(true);
            if (!watch.deletes) {
                create.addFilters(WatchCreateRequest.FilterType.NODELETE);
            }
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
        }
    }

    private void sendCancel(long id) {
        requests.onNext(WatchRequest.newBuilder()
                .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
    }

    /** Asks etcd for one more response on this stream (flow control); any thread. */
    void requestNext() {
        request(1);
    }

    /** Asks etcd for {@code count} more responses on this stream; any thread. */
    void request(int count) {
        requests.request(count);
    }

    /** Ends the stream from this side; no more answers are read. */
    void close() {
        requests.cancel("watch stream closed", null);
    }
}

package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ClientCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchSessionTest {

    private final SentRequests sent = new SentRequests();
    private final WatchSession session = started(new WatchSession(sent, 1));

    private static WatchSession started(WatchSession session) {
        session.start();
        return session;
    }

    @Test
    void createsBeforeTheCallStartedWaitAndGoOutInOrderWhenItStarts() {
        SentRequests early = new SentRequests();
        WatchSession starting = new WatchSession(early, 1);
        starting.create(watch("a/", 10));
        starting.create(watch("b/", 20));
        assertThat(early.requests).as("nothing on a call that has not started").isEmpty();

        starting.start();

        assertThat(early.requests).extracting(r -> r.getCreateRequest().getStartRevision()).containsExactly(10L, 20L);
    }

    @Test
    void createAnswersArriveInRequestOrderAndTellEachWatchItsId() {
        SharedWatch first = watch("a/", 10);
        SharedWatch second = watch("b/", 20);
        session.create(first);
        session.create(second);

        assertThat(sent.requests).extracting(r -> r.getCreateRequest().getStartRevision()).containsExactly(10L, 20L);
        assertThat(sent.requests.getFirst().getCreateRequest().getProgressNotify()).isTrue();
        session.read(created(7));
        session.read(created(8));

        StreamAnswer answer = session.read(puts(8, put("b/1", 21), put("b/2", 21)));
        assertThat(answer).isInstanceOfSatisfying(StreamAnswer.Changes.class, changes -> {
            assertThat(changes.watch()).isSameAs(second);
            assertThat(changes.changes()).extracting(WatchedChange::key).containsExactly("b/1", "b/2");
        });
        assertThat(second.resumeAt()).as("inclusive: the revision's keys may span a reconnect").isEqualTo(21);
    }

    @Test
    void aWatchCancelledBeforeItsCreateIsAnsweredIsCancelledByTheIdTheAnswerBrings() {
        SharedWatch watch = watch("a/", 10);
        session.create(watch);
        session.cancel(watch);
        assertThat(sent.requests).hasSize(1);

        session.read(created(5));

        assertThat(sent.requests).hasSize(2);
        assertThat(sent.requests.getLast().getCancelRequest().getWatchId()).isEqualTo(5);
        assertThat(session.read(puts(5, put("a/1", 11)))).isInstanceOf(StreamAnswer.Nothing.class);
        assertThat(session.size()).isZero();
    }

    @Test
    void aWatchWithAKnownIdIsCancelledAtOnce() {
        SharedWatch watch = watch("a/", 10);
        session.create(watch);
        session.read(created(3));
        session.cancel(watch);

        assertThat(sent.requests.getLast().getCancelRequest().getWatchId()).isEqualTo(3);
        assertThat(session.read(canceled(3, 0, ""))).isInstanceOf(StreamAnswer.Nothing.class);
    }

    @Test
    void noMoreCreatesAreInFlightThanTheBoundTheRestGoOutAsAnswersCome() {
        for (int i = 0; i < 100; i++) {
            session.create(watch("r" + i + "/", 1));
        }
        assertThat(sent.requests).hasSize(WatchSession.MAX_CREATES_IN_FLIGHT);

        session.read(created(0));

        assertThat(sent.requests).hasSize(WatchSession.MAX_CREATES_IN_FLIGHT + 1);
        assertThat(session.size()).isEqualTo(100);
    }

    @Test
    void aCompactedWatchEndsWithTheCompactRevision() {
        SharedWatch watch = watch("a/", 2);
        session.create(watch);
        session.read(created(1));

        StreamAnswer answer = session.read(canceled(1, 40, "mvcc: required revision has been compacted"));

        assertThat(answer).isEqualTo(new StreamAnswer.Ended(watch, new WatchEnd.Compacted(40)));
        assertThat(watch.session()).isNull();
    }

    @Test
    void aProgressNotificationMovesTheResumePointPastItsRevision() {
        SharedWatch watch = watch("a/", 2);
        session.create(watch);
        session.read(created(1));

        session.read(WatchResponse.newBuilder().setWatchId(1).setHeader(header(90)).build());

        assertThat(watch.resumeAt()).isEqualTo(91);
    }

    @Test
    void aWatchFromNowResumesAfterTheRevisionItWasCreatedAt() {
        SharedWatch watch = watch("a/", 0);
        session.create(watch);
        session.read(created(1).toBuilder().setHeader(header(55)).build());

        assertThat(watch.resumeAt()).isEqualTo(56);
    }

    @Test
    void aDeniedWatchIsRetriedWithANewTokenAndRefusedWhenThatIsDeniedToo() {
        SharedWatch watch = watch("secret/", 2);
        session.create(watch);
        StreamAnswer first = session.read(deniedCreate());
        assertThat(first).isInstanceOf(StreamAnswer.Denied.class);

        WatchSession renewed = started(new WatchSession(new SentRequests(), 2));
        renewed.create(watch);
        StreamAnswer second = renewed.read(deniedCreate());

        assertThat(second).isEqualTo(new StreamAnswer.Ended(watch, new WatchEnd.Refused("etcdserver: permission denied")));
    }

    @Test
    void aDeniedWatchOnAStreamWithoutTokenIsRefusedAtOnce() {
        WatchSession tokenless = started(new WatchSession(new SentRequests(), WatchSession.NO_TOKEN));
        SharedWatch watch = watch("secret/", 2);
        tokenless.create(watch);

        assertThat(tokenless.read(deniedCreate())).isInstanceOf(StreamAnswer.Ended.class);
    }

    @Test
    void aWatchEtcdCancelsForAnotherReasonIsDroppedToBeCreatedAgain() {
        SharedWatch watch = watch("a/", 2);
        session.create(watch);
        session.read(created(1));

        StreamAnswer answer = session.read(canceled(1, 0, "etcdserver: no leader"));

        assertThat(answer).isEqualTo(new StreamAnswer.Dropped(watch, "etcdserver: no leader"));
        assertThat(session.size()).isZero();
    }

    @Test
    void aWatchOfPutsAsksEtcdToLeaveDeletesOutAndAWatchOfChangesGetsThemWithTheirRevision() {
        SharedWatch puts = watch("a/", 10);
        SharedWatch changes = new SharedWatch(WatchRange.prefix("b/"), 10, true, new RecordingChangeListener(), null);
        session.create(puts);
        session.create(changes);
        session.read(created(1));
        session.read(created(2));

        assertThat(sent.requests.get(0).getCreateRequest().getFiltersList())
                .containsExactly(WatchCreateRequest.FilterType.NODELETE);
        assertThat(sent.requests.get(1).getCreateRequest().getFiltersList()).isEmpty();
        StreamAnswer answer = session.read(puts(2, put("b/1", 11), delete("b/2", 12)));
        assertThat(answer).isEqualTo(new StreamAnswer.Changes(changes,
                List.of(((StreamAnswer.Changes) answer).changes().getFirst(), new WatchedDelete("b/2", 12))));
        assertThat(changes.resumeAt()).isEqualTo(12);
        // A delete etcd sends a watch of puts anyway is not handed on.
        assertThat(session.read(puts(1, delete("a/1", 13)))).isInstanceOf(StreamAnswer.Nothing.class);
    }

    private static SharedWatch watch(String prefix, long from) {
        // The owner is only needed by cancel() and resumeRevision(), which these tests do not call.
        return new SharedWatch(WatchRange.prefix(prefix), from, new RecordingWatchListener(), null);
    }

    private static WatchResponse created(long id) {
        return WatchResponse.newBuilder().setCreated(true).setWatchId(id).setHeader(header(1)).build();
    }

    private static WatchResponse deniedCreate() {
        return WatchResponse.newBuilder().setCreated(true).setCanceled(true).setWatchId(-1)
                .setCancelReason("etcdserver: permission denied").setHeader(header(1)).build();
    }

    private static WatchResponse canceled(long id, long compactRevision, String reason) {
        return WatchResponse.newBuilder().setCanceled(true).setWatchId(id).setCompactRevision(compactRevision)
                .setCancelReason(reason).setHeader(header(1)).build();
    }

    private static WatchResponse puts(long id, Event... events) {
        return WatchResponse.newBuilder().setWatchId(id).setHeader(header(99)).addAllEvents(List.of(events)).build();
    }

    private static Event put(String key, long revision) {
        return Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("{}"))
                .setModRevision(revision)).build();
    }

    private static Event delete(String key, long revision) {
        return Event.newBuilder().setType(Event.EventType.DELETE).setKv(KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setModRevision(revision)).build();
    }

    private static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    /** The request side of a stream, recording what is sent. */
    private static final class SentRequests extends ClientCallStreamObserver<WatchRequest> {

        final List<WatchRequest> requests = new ArrayList<>();

        @Override
        public void onNext(WatchRequest request) {
            requests.add(request);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public void cancel(String message, Throwable cause) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }
    }
}

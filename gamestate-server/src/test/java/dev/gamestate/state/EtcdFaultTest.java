package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How failed etcd calls are classified and counted. */
class EtcdFaultTest {

    @Test
    void databaseSpaceExceededIsNoSpaceButTooManyRequestsIsNot() {
        assertThat(EtcdFault.of(Status.RESOURCE_EXHAUSTED
                .withDescription("etcdserver: mvcc: database space exceeded").asRuntimeException()))
                .isEqualTo(new EtcdFault.NoSpace());
        assertThat(EtcdFault.of(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests")
                .asRuntimeException())).isInstanceOf(EtcdFault.Other.class);
    }

    @Test
    void noLeaderTimeoutsAndLostConnectionsAreToldApart() {
        assertThat(EtcdFault.of(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException()))
                .isEqualTo(new EtcdFault.NoLeader());
        assertThat(EtcdFault.of(Status.UNAVAILABLE.withDescription("etcdserver: request timed out")
                .asRuntimeException())).isEqualTo(new EtcdFault.TimedOut());
        assertThat(EtcdFault.of(Status.DEADLINE_EXCEEDED.asRuntimeException())).isEqualTo(new EtcdFault.TimedOut());
        assertThat(EtcdFault.of(new CompletionException(new TimeoutException()))).isEqualTo(new EtcdFault.TimedOut());
        assertThat(EtcdFault.of(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException()))
                .isEqualTo(new EtcdFault.Unreachable());
    }

    @Test
    void aWrappedStatusIsFoundThroughItsCauses() {
        RuntimeException wrapped = new CompletionException(new IllegalStateException(Status.RESOURCE_EXHAUSTED
                .withDescription("etcdserver: mvcc: database space exceeded").asRuntimeException()));
        assertThat(EtcdFault.of(wrapped).clientMessage()).isEqualTo("etcd is out of space");
        assertThat(EtcdFault.of(wrapped).advice()).contains("etcdctl alarm disarm", "--quota-backend-bytes");
    }

    @Test
    void everyFailureIsCountedButEachKindIsLoggedAtMostOncePerInterval() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        EtcdFaults faults = new EtcdFaults("http://etcd:2379", now::get);
        for (int i = 0; i < 1000; i++) {
            faults.record(new EtcdFault.NoSpace());
        }
        faults.record(new EtcdFault.Unreachable());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(EtcdFaults.LOG_EVERY_MS));
        faults.record(new EtcdFault.NoSpace());
        assertThat(faults.count("no_space")).isEqualTo(1001);
        assertThat(faults.count("unreachable")).isEqualTo(1);
        assertThat(faults.count("timeout")).isZero();
        assertThat(EtcdFaults.KINDS).containsExactly("no_space", "no_leader", "timeout", "unreachable", "other");
    }
}

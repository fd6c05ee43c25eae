package dev.gamestate.state;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Why an etcd call failed, decided once where the call fails ({@link Etcd#call}) and then told to the
 * client (the {@code unavailable} message), the operator (a log line saying what to do), the metrics
 * ({@code gamestate_etcd_errors_total{kind}}) and {@code /readyz}.
 *
 * <p>Classified by the gRPC status code, and within a code by etcd's error string (the
 * {@code etcdserver: …} descriptions are etcd's stable error identities; etcd's own Go client maps
 * them the same way, as the status code alone cannot tell "out of space" from "too many requests").
 */
public sealed interface EtcdFault {

    /** The quota ({@code --quota-backend-bytes}) is used up: the NOSPACE alarm refuses every write. */
    record NoSpace() implements EtcdFault {
    }

    /** The cluster has no leader (or lost it during the request): no quorum, or an election. */
    record NoLeader() implements EtcdFault {
    }

    /** No answer within {@code etcd.requestTimeout}. */
    record TimedOut() implements EtcdFault {
    }

    /** No connection to any endpoint. */
    record Unreachable() implements EtcdFault {
    }

    /**
     * Anything else etcd answered with.
     *
     * @param detail the status code and etcd's description, for the log
     */
    record Other(String detail) implements EtcdFault {
    }

    /** The metric tag: {@code no_space}, {@code no_leader}, {@code timeout}, {@code unreachable}, {@code other}. */
    default String kind() {
        return switch (this) {
            case NoSpace n -> "no_space";
            case NoLeader n -> "no_leader";
            case TimedOut t -> "timeout";
            case Unreachable u -> "unreachable";
            case Other o -> "other";
        };
    }

    /** What the client is told in the {@code unavailable} error. */
    default String clientMessage() {
        return switch (this) {
            case NoSpace n -> "etcd is out of space";
            case NoLeader n -> "etcd has no leader";
            case TimedOut t -> "etcd did not answer in time";
            case Unreachable u -> "etcd is unreachable";
            case Other o -> "etcd refused the request";
        };
    }

    /** What the operator should do, for the log. */
    default String advice() {
        return switch (this) {
            case NoSpace n -> "etcd reports NOSPACE (database space exceeded) and refuses every write: compact "
                    + "(etcdctl compact <rev>) and defragment (etcdctl defrag) each member, raise "
                    + "--quota-backend-bytes if the data needs it, then run `etcdctl alarm disarm`";
            case NoLeader n -> "etcd has no leader: check that a quorum of members runs and they reach each other";
            case TimedOut t -> "etcd did not answer within etcd.requestTimeout: check etcd's load, its disk "
                    + "(wal fsync latency) and the network";
            case Unreachable u -> "etcd cannot be reached: check that the members run, and etcd.endpoints and "
                    + "etcd.tls";
            case Other o -> "etcd refused a request (" + o.detail() + "): look for it in the members' logs; with"
                    + " etcd auth, check that the gamestate user may read and write etcd.keyPrefix";
        };
    }

    /** Classifies {@code error}, looking through its causes. */
    static EtcdFault of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return new TimedOut();
            }
        }
        Status status = Status.fromThrowable(error);
        Status.Code code = status.getCode();
        String description = status.getDescription();
        if (code == Status.Code.UNKNOWN) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof EtcdException e) {
                    code = Status.Code.valueOf(e.getErrorCode().name());
                    description = e.getMessage();
                    break;
                }
            }
        }
        String etcdError = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (code == Status.Code.RESOURCE_EXHAUSTED && etcdError.contains("database space exceeded")) {
            return new NoSpace();
        }
        if (etcdError.contains("no leader") || etcdError.contains("leader changed")) {
            return new NoLeader();
        }
        if (code == Status.Code.DEADLINE_EXCEEDED || etcdError.contains("request timed out")) {
            return new TimedOut();
        }
        if (code == Status.Code.UNAVAILABLE) {
            return new Unreachable();
        }
        return new Other(code + (description == null ? "" : ": " + description));
    }
}

package dev.gamestate.state;

/**
 * Where the node's etcd client reports how long each call took, for the metrics (the app wires a
 * histogram per op and outcome). Called on jetcd's and gRPC's threads once per call: it must be cheap
 * and must not block.
 */
public interface EtcdTimings {

    /** Reports nothing. */
    EtcdTimings NONE = (op, ok, nanos) -> { };

    /**
     * One call of {@code op} answered (or failed, or timed out) {@code nanos} after it was sent;
     * {@code ok} false when it failed, whatever the reason (the reasons are counted by {@link EtcdFaults}).
     */
    void call(EtcdOp op, boolean ok, long nanos);
}

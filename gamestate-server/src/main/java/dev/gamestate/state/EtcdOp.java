package dev.gamestate.state;

/**
 * The etcd RPCs this node sends, as the {@code op} of its call-latency metric: named after etcd's own
 * gRPC methods, so a dashboard can set them beside etcd's server-side histograms.
 */
public enum EtcdOp {
    /** A read: {@code KV.Range}. */
    RANGE("range"),
    /** A single write: {@code KV.Put}. */
    PUT("put"),
    /** A transaction: {@code KV.Txn}. */
    TXN("txn"),
    /** {@code KV.Compact}. */
    COMPACT("compact"),
    /** {@code Lease.LeaseGrant}. */
    LEASE_GRANT("lease_grant"),
    /** {@code Lease.LeaseRevoke}. */
    LEASE_REVOKE("lease_revoke");

    private final String tag;

    EtcdOp(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code op} tag. */
    public String tag() {
        return tag;
    }
}

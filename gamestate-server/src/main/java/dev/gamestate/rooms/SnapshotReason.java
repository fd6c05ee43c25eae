package dev.gamestate.rooms;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a subscriber got a {@code snapshot}: the {@code reason} of its payload. */
public enum SnapshotReason {

    /** The node's watch of the room could not resume where it stopped (etcd compacted past it). */
    RESYNC("resync"),
    /** The subscriber read too slowly: its room events were skipped and this snapshot replaces them. */
    CONFLATED("conflated"),
    /**
     * The room's stream began anew (the admin API deleted the room, or etcd was restored from a
     * backup): a new epoch, seqs from 0 again; the client drops what it kept of the old stream.
     */
    RESET("reset");

    private final String wire;

    SnapshotReason(String wire) {
        this.wire = wire;
    }

    /** The name on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }
}

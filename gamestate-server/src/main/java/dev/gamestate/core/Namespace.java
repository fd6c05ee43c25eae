package dev.gamestate.core;

import java.util.Optional;

/** The two sealed-off worlds a connection lives in; nothing crosses between them. */
public enum Namespace {
    /** Players authenticated with a JWT, on {@code /core/game/v1/real-time/private}. */
    PRIVATE("private", "private"),
    /** Anonymous guests, on {@code /core/game/v1/real-time/public}. */
    GUEST("guest", "public");

    private final String wire;
    private final String pathSegment;

    Namespace(String wire, String pathSegment) {
        this.wire = wire;
        this.pathSegment = pathSegment;
    }

    /** The name clients and etcd keys use ({@code private}, {@code guest}). */
    public String wire() {
        return wire;
    }

    /** The last segment of the WebSocket path that selects this namespace. */
    public String pathSegment() {
        return pathSegment;
    }

    /** The namespace whose wire name is {@code wire}. */
    public static Optional<Namespace> fromWire(String wire) {
        for (Namespace ns : values()) {
            if (ns.wire.equals(wire)) {
                return Optional.of(ns);
            }
        }
        return Optional.empty();
    }

    /** The namespace served at the path segment {@code segment}. */
    public static Optional<Namespace> fromPathSegment(String segment) {
        for (Namespace ns : values()) {
            if (ns.pathSegment.equals(segment)) {
                return Optional.of(ns);
            }
        }
        return Optional.empty();
    }
}

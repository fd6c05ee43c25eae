package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes to every live session of a user, on any node. Each push is one revision of the user's
 * {@code stream/users/<ns>/<user>} key; every node's watch sees every revision, so the key is simply
 * overwritten and never grows.
 *
 * <p>The value is the session id to skip (empty for none), a newline, then the encoded frame. A
 * compact JSON frame holds no raw newline, so the split is unambiguous and the frame is pushed as is.
 * A value that starts with {@code !} is no frame but an order to the nodes holding the user's
 * sessions: {@code !kick <sessionId>} closes that session, {@code !kick *} every one of the user's
 * sessions in the namespace ({@link Kick}). Neither a session id nor a frame starts with {@code !}.
 */
public final class UserNotifications implements UserNotifier {

    private static final String KICK = "!kick ";
    private static final String EVERY_SESSION = "*";

    /** What one revision of a user's notification key says. */
    public sealed interface Notice permits Notification, Kick, UnknownOrder {
    }

    /**
     * A decoded notification.
     *
     * @param skipSession a session that must not get it (the one that caused it)
     * @param frame       the encoded frame to push
     */
    public record Notification(Optional<String> skipSession, byte[] frame) implements Notice {

        /** Decodes a stored value that is a frame (not a {@link Kick}). */
        public static Notification parse(byte[] value) {
            int newline = 0;
            while (newline < value.length && value[newline] != '\n') {
                newline++;
            }
            if (newline == value.length) {
                return new Notification(Optional.empty(), value);
            }
            String skip = new String(value, 0, newline, StandardCharsets.UTF_8);
            byte[] frame = Arrays.copyOfRange(value, newline + 1, value.length);
            return new Notification(skip.isEmpty() ? Optional.empty() : Optional.of(skip), frame);
        }
    }

    /**
     * Close sessions of the user, with 4003.
     *
     * @param sessionId the session to close; empty: every session of the user in the namespace
     */
    public record Kick(Optional<String> sessionId) implements Notice {

        /** Whether a session of the user with {@code id} is to be closed. */
        public boolean covers(String id) {
            return sessionId.map(id::equals).orElse(true);
        }
    }

    /**
     * An order this node does not know (written by a newer one): never pushed to clients as a frame.
     *
     * @param order the value as text
     */
    public record UnknownOrder(String order) implements Notice {
    }

    private final Etcd etcd;

    /** Notifications written through {@code etcd}. */
    public UserNotifications(Etcd etcd) {
        this.etcd = etcd;
    }

    /** Decodes one revision of a user's notification key. */
    public static Notice parse(byte[] value) {
        if (value.length > 0 && value[0] == '!') {
            String order = new String(value, StandardCharsets.UTF_8);
            if (order.startsWith(KICK)) {
                String target = order.substring(KICK.length());
                return new Kick(target.equals(EVERY_SESSION) ? Optional.empty() : Optional.of(target));
            }
            return new UnknownOrder(order);
        }
        return Notification.parse(value);
    }

    @Override
    public CompletableFuture<Void> push(Namespace ns, String userId, Optional<String> skipSession, byte[] frame) {
        byte[] skip = skipSession.orElse("").getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[skip.length + 1 + frame.length];
        System.arraycopy(skip, 0, value, 0, skip.length);
        value[skip.length] = '\n';
        System.arraycopy(frame, 0, value, skip.length + 1, frame.length);
        return write(ns, userId, value);
    }

    /**
     * Tells the nodes holding sessions of {@code userId} in {@code ns} to close {@code sessionId}
     * (empty: all of them) with 4003. Completes once etcd committed the order; the nodes act on it
     * as their watch brings it (a node that holds none of the user's sessions does not watch the key).
     */
    public CompletableFuture<Void> kick(Namespace ns, String userId, Optional<String> sessionId) {
        return write(ns, userId, (KICK + sessionId.orElse(EVERY_SESSION)).getBytes(StandardCharsets.UTF_8));
    }

    private CompletableFuture<Void> write(Namespace ns, String userId, byte[] value) {
        return etcd.call(EtcdOp.PUT,
                        () -> etcd.kv().put(Keys.bytes(etcd.keys().userNotify(ns, userId)), Keys.bytes(value)))
                .thenApply(r -> null);
    }
}

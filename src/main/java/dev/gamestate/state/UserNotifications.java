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
 */
public final class UserNotifications implements UserNotifier {

    /**
     * A decoded notification.
     *
     * @param skipSession a session that must not get it (the one that caused it)
     * @param frame       the encoded frame to push
     */
    public record Notification(Optional<String> skipSession, byte[] frame) {

        /** Decodes a stored value. */
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

    private final Etcd etcd;

    /** Notifications written through {@code etcd}. */
    public UserNotifications(Etcd etcd) {
        this.etcd = etcd;
    }

    @Override
    public CompletableFuture<Void> push(Namespace ns, String userId, Optional<String> skipSession, byte[] frame) {
        byte[] skip = skipSession.orElse("").getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[skip.length + 1 + frame.length];
        System.arraycopy(skip, 0, value, 0, skip.length);
        value[skip.length] = '\n';
        System.arraycopy(frame, 0, value, skip.length + 1, frame.length);
        return etcd.call(() -> etcd.kv().put(Keys.bytes(etcd.keys().userNotify(ns, userId)), Keys.bytes(value)))
                .thenApply(r -> null);
    }
}

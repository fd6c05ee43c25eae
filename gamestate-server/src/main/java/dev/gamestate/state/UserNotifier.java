package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Pushes a frame to every live session of a user, on any node; {@link UserNotifications} does it through etcd. */
public interface UserNotifier {

    /** Pushes {@code frame} to every live session of {@code userId} except {@code skipSession}. */
    CompletableFuture<Void> push(Namespace ns, String userId, Optional<String> skipSession, byte[] frame);
}

package dev.gamestate.store;

import dev.gamestate.core.Principal;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A connection without a socket: it records what was pushed to it. */
final class RecordingConnection implements Connection {

    private final String sessionId = "s-" + UUID.randomUUID();
    private final Principal principal;
    private final List<Push> pushes = new CopyOnWriteArrayList<>();

    private RecordingConnection(Principal principal) {
        this.principal = principal;
    }

    static RecordingConnection player(String userId) {
        return new RecordingConnection(Principal.player(userId, Optional.empty()));
    }

    static RecordingConnection guest(String userId) {
        return new RecordingConnection(Principal.guest(userId));
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public void push(Push push) {
        pushes.add(push);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    List<Push> pushes() {
        return List.copyOf(pushes);
    }
}

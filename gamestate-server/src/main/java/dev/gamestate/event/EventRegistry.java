package dev.gamestate.event;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The typed table of request types and their handlers. Each type binds its payload class and its
 * handler once; dispatch hands each handler an {@code Event} of its own payload type.
 */
public final class EventRegistry {

    private final Map<String, Binding<?>> bindings;

    private EventRegistry(Map<String, Binding<?>> bindings) {
        this.bindings = Map.copyOf(bindings);
    }

    /** A builder to register types into. */
    public static Builder builder() {
        return new Builder();
    }

    /** The type registered under {@code name}. */
    public Optional<EventType<?>> type(String name) {
        Binding<?> binding = bindings.get(name);
        return binding == null ? Optional.empty() : Optional.of(binding.type());
    }

    /** Every registered wire name. */
    public Set<String> names() {
        return bindings.keySet();
    }

    /**
     * Runs the handler bound to the event's type. A handler that throws instead of completing
     * exceptionally still yields a failed future.
     */
    public CompletableFuture<Reply> dispatch(Event<?> event, Connection caller) {
        Binding<?> binding = bindings.get(event.type().name());
        if (binding == null) {
            return CompletableFuture.failedFuture(
                    new GameException(ErrorCode.UNKNOWN_TYPE, "unknown type " + event.type().name()));
        }
        try {
            return binding.dispatch(event, caller);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private record Binding<P extends EventPayload>(EventType<P> type, EventHandler<P> handler) {

        CompletableFuture<Reply> dispatch(Event<?> event, Connection caller) {
            return handler.handle(type.cast(event), caller);
        }
    }

    /** Collects bindings; each wire name once. */
    public static final class Builder {

        private final Map<String, Binding<?>> bindings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Binds {@code type} to {@code handler}. */
        public <P extends EventPayload> Builder register(EventType<P> type, EventHandler<P> handler) {
            if (bindings.putIfAbsent(type.name(), new Binding<>(type, handler)) != null) {
                throw new IllegalStateException(type.name() + " is registered twice");
            }
            return this;
        }

        /** The finished registry. */
        public EventRegistry build() {
            return new EventRegistry(bindings);
        }
    }
}

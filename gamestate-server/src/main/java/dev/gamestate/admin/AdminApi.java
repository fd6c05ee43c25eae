package dev.gamestate.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.gamestate.auth.BearerToken;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.core.Namespace;
import dev.gamestate.messaging.MessagingService;
import dev.gamestate.messaging.SendMessagePayload;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.BroadcastPayload;
import dev.gamestate.rooms.RoomService;
import dev.gamestate.sessions.SessionControl;
import dev.gamestate.store.StoreService;
import dev.gamestate.transport.HttpEndpoint;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The server-to-server HTTP API under {@code /core/game/v1/admin/}: game backends broadcast, message,
 * credit wallets, edit the catalog, look at rooms, and list and kick sessions. Every call needs
 * {@code Authorization: Bearer <key>} with one of {@code admin.apiKeys}.
 */
public final class AdminApi implements HttpEndpoint {

    /** Where the API lives. */
    public static final String PREFIX = "/core/game/v1/admin/";

    /**
     * The calls this API serves, as {@code METHOD /path} with {@code {name}} for a path parameter: what
     * docs/openapi.yaml describes. AdminRoutesTest holds this list to what {@link #handle} routes.
     */
    public static final List<String> ROUTES = List.of(
            "POST " + PREFIX + "broadcast",
            "POST " + PREFIX + "messages",
            "POST " + PREFIX + "wallets/{userId}/credit",
            "PUT " + PREFIX + "catalog/{goodId}",
            "GET " + PREFIX + "rooms/{namespace}/{room}",
            "DELETE " + PREFIX + "rooms/{namespace}/{room}",
            "GET " + PREFIX + "sessions",
            "DELETE " + PREFIX + "sessions/{sessionId}",
            "DELETE " + PREFIX + "users/{userId}/sessions");

    private final List<Secret> keys;
    private final RoomService rooms;
    private final MessagingService messaging;
    private final StoreService store;
    private final SessionControl sessions;
    private final WireCodec codec;
    private final ObjectMapper mapper;

    /** The API over the services, guarded by {@code config.apiKeys()}. */
    public AdminApi(GameConfig.Admin config, RoomService rooms, MessagingService messaging, StoreService store,
                    SessionControl sessions, WireCodec codec) {
        this.keys = config.apiKeys();
        this.rooms = rooms;
        this.messaging = messaging;
        this.store = store;
        this.sessions = sessions;
        this.codec = codec;
        this.mapper = codec.mapper();
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public CompletableFuture<Response> handle(Request request) {
        try {
            authorize(request);
            return route(request);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Response> route(Request request) {
        String[] path = request.path().substring(PREFIX.length()).split("/", -1);
        String call = request.method() + " " + path[0];
        return switch (call) {
            case "POST broadcast" -> exact(path, 1, () -> {
                AdminRequests.Broadcast b = body(request, AdminRequests.Broadcast.class);
                return rooms.publish(namespace(b.namespace()),
                        new BroadcastPayload(required("room", b.room()), b.patch(), b.data()), RoomService.SYSTEM);
            });
            case "POST messages" -> exact(path, 1, () -> {
                AdminRequests.Message m = body(request, AdminRequests.Message.class);
                return messaging.send(namespace(m.namespace()),
                        new SendMessagePayload(m.to(), m.room(), required("text", m.text()), m.data()),
                        RoomService.SYSTEM);
            });
            case "POST wallets" -> {
                if (path.length != 3 || !path[2].equals("credit")) {
                    yield notFound(request);
                }
                String userId = decode(path[1]);
                AdminRequests.Credit c = body(request, AdminRequests.Credit.class);
                yield answer(store.credit(userId, required("currency", c.currency()), required("amount", c.amount()),
                        Names.requireRequestId("requestId", c.requestId())));
            }
            case "PUT catalog" -> exact(path, 2, () -> {
                String goodId = Names.requireId("goodId", decode(path[1]));
                AdminRequests.PutGood g = body(request, AdminRequests.PutGood.class);
                return store.putGood(goodId, required("name", g.name()), required("price", g.price()), required("currency", g.currency()),
                        g.stock(), g.maxPerUser());
            });
            case "GET rooms" -> exact(path, 3, () -> rooms.snapshot(namespace(decode(path[1])), decode(path[2])));
            case "DELETE rooms" -> exact(path, 3, () -> rooms.delete(namespace(decode(path[1])), decode(path[2])));
            case "GET sessions" -> exact(path, 1, () -> sessions.sessionsOf(request.parameter("user").orElseThrow(() ->
                    GameException.invalid("user is required: GET sessions?user=<userId>"))));
            case "DELETE sessions" -> exact(path, 2, () -> sessions.kick(decode(path[1])));
            case "DELETE users" -> {
                if (path.length != 3 || !path[2].equals("sessions")) {
                    yield notFound(request);
                }
                yield answer(sessions.kickUser(decode(path[1])));
            }
            default -> notFound(request);
        };
    }

    private CompletableFuture<Response> exact(String[] path, int segments,
                                              java.util.function.Supplier<CompletableFuture<?>> call) {
        if (path.length != segments) {
            return CompletableFuture.failedFuture(new GameException(ErrorCode.NOT_FOUND,
                    "no admin call at /" + String.join("/", path)));
        }
        return answer(call.get());
    }

    private CompletableFuture<Response> answer(CompletableFuture<?> result) {
        return result.thenApply((Function<Object, Response>) value -> new Response(200, codec.json(value)));
    }

    private static CompletableFuture<Response> notFound(Request request) {
        return CompletableFuture.failedFuture(new GameException(ErrorCode.NOT_FOUND,
                "no admin call " + request.method() + " " + request.path()));
    }

    private void authorize(Request request) {
        if (keys.isEmpty()) {
            throw new GameException(ErrorCode.NOT_FOUND, "the admin API is disabled (admin.apiKeys is empty)");
        }
        String header = request.authorization().orElseThrow(() ->
                new GameException(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <admin key>"));
        byte[] presented = BearerToken.of(header, "admin key").getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (Secret key : keys) {
            // Constant-time per key, and every key is compared, so timing tells nothing.
            match |= MessageDigest.isEqual(presented, key.bytes());
        }
        if (!match) {
            throw new GameException(ErrorCode.UNAUTHORIZED, "unknown admin key");
        }
    }

    private <T> T body(Request request, Class<T> type) {
        if (request.body().length == 0) {
            throw GameException.invalid("a JSON body is required");
        }
        try {
            T value = mapper.readValue(request.body(), type);
            if (value == null) {
                throw GameException.invalid("a JSON object body is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw GameException.invalid("unknown field '" + e.getPropertyName() + "'");
        } catch (MismatchedInputException e) {
            throw GameException.invalid(field(e) + " has the wrong type");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException) {
                throw new GameException(ErrorCode.BAD_REQUEST, "body is not valid JSON");
            }
            throw GameException.invalid("body does not fit this call");
        } catch (JsonProcessingException e) {
            throw new GameException(ErrorCode.BAD_REQUEST, "body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new GameException(ErrorCode.BAD_REQUEST, "body could not be read");
        }
    }

    private static String field(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).orElse("body");
    }

    private static Namespace namespace(String wire) {
        if (wire == null) {
            throw GameException.invalid("namespace is required (private or guest)");
        }
        return Namespace.fromWire(wire).orElseThrow(() ->
                GameException.invalid("namespace must be private or guest, got '" + wire + "'"));
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw GameException.invalid(field + " is required");
        }
        return value;
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
}

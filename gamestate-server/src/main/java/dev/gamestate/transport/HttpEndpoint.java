package dev.gamestate.transport;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP API served under a path prefix (the admin API). The transport parses and writes HTTP;
 * the endpoint sees plain values, so it needs no Netty.
 */
public interface HttpEndpoint {

    /**
     * An incoming request.
     *
     * @param method        the HTTP method, upper case
     * @param path          the path without the query
     * @param query         the query's parameters, decoded, each with its values in order
     * @param authorization the {@code Authorization} header
     * @param body          the raw body
     */
    record Request(String method, String path, Map<String, List<String>> query, Optional<String> authorization,
                   byte[] body) {

        /** Keeps its own copy of the query. */
        public Request {
            query = Map.copyOf(query);
        }

        /** The first value of query parameter {@code name}, when it is there. */
        public Optional<String> parameter(String name) {
            return Optional.ofNullable(query.get(name)).flatMap(values -> values.stream().findFirst());
        }
    }

    /**
     * The answer.
     *
     * @param status HTTP status
     * @param json   the JSON body
     */
    record Response(int status, byte[] json) {
    }

    /** The path prefix this endpoint serves, e.g. {@code /core/game/v1/admin/}. */
    String prefix();

    /** Handles one request; a failed future becomes a 500 with a JSON error body. */
    CompletableFuture<Response> handle(Request request);
}

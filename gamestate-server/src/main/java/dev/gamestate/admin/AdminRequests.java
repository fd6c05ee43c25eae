package dev.gamestate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The JSON bodies of the admin API. The services validate the values; these only carry them (boxed
 * numbers, so that a missing one is told apart from zero).
 */
final class AdminRequests {

    private AdminRequests() {
    }

    /** {@code POST /admin/broadcast}. */
    record Broadcast(String namespace, String room, Optional<JsonNode> patch, Optional<JsonNode> data) {
    }

    /** {@code POST /admin/messages}. */
    record Message(String namespace, Optional<String> to, Optional<String> room, String text,
                   Optional<JsonNode> data) {
    }

    /** {@code POST /admin/wallets/{userId}/credit}. */
    record Credit(String currency, Long amount, String requestId) {
    }

    /** {@code PUT /admin/catalog/{goodId}}. */
    record PutGood(String name, Long price, String currency, OptionalLong stock, OptionalInt maxPerUser) {
    }
}

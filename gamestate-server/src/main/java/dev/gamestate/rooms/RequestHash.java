package dev.gamestate.rooms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What an idempotent request asks for, as a hash: two copies of one request hash alike, a request id
 * reused for something else does not. JSON values are compared as values: object members in any order
 * hash alike.
 */
final class RequestHash {

    private RequestHash() {
    }

    /** SHA-256, hex, of the request's kind, room and values (each absent one counted as such). */
    static String of(ObjectMapper mapper, String kind, String room, Optional<JsonNode> first, Optional<JsonNode> second) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode().add(kind).add(room);
        parts.add(first.map(RequestHash::canonical).orElse(JsonNodeFactory.instance.nullNode()));
        parts.add(second.map(RequestHash::canonical).orElse(JsonNodeFactory.instance.nullNode()));
        try {
            byte[] bytes = mapper.writeValueAsString(parts).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a request", e);
        }
    }

    /** {@code value} with every object's members sorted by name, recursively. */
    private static JsonNode canonical(JsonNode value) {
        if (value.isObject()) {
            List<String> names = new ArrayList<>();
            value.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                sorted.set(name, canonical(value.get(name)));
            }
            return sorted;
        }
        if (value.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            value.forEach(element -> copy.add(canonical(element)));
            return copy;
        }
        return value;
    }
}

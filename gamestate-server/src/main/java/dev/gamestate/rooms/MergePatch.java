package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 7396 JSON merge patch: a null member deletes, an object member merges recursively, anything
 * else replaces. Neither input is modified; the result may share untouched subtrees with the target,
 * so treat it as read-only.
 */
public final class MergePatch {

    private MergePatch() {
    }

    /** {@code target} with {@code patch} applied. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (target.isObject()) {
            result.setAll((ObjectNode) target);
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (value.isNull()) {
                result.remove(name);
            } else {
                JsonNode current = result.get(name);
                result.set(name, apply(current == null ? JsonNodeFactory.instance.missingNode() : current, value));
            }
        }
        return result;
    }
}

package dev.gamestate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A client frame that has the envelope's shape: {@code {"id", "type", "payload"}}.
 *
 * @param id      the client's request id
 * @param type    the request type's wire name
 * @param payload the raw payload object ({@code {}} when absent)
 */
public record Envelope(String id, String type, JsonNode payload) {

    /** Rejects nulls. */
    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }

    /** The id as a reply needs it. */
    public ReplyId replyId() {
        return ReplyId.of(id);
    }
}

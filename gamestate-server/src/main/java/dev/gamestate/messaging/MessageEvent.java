package dev.gamestate.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.PushPayload;
import java.util.Optional;

/**
 * The payload of a pushed {@code core.game.state.send_message} event.
 *
 * @param messageId the message's id
 * @param from      who sent it ({@code system} for the admin API)
 * @param to        the recipient of a direct message
 * @param room      the room of a room message
 * @param text      the message
 * @param data      the sender's extra object
 */
public record MessageEvent(String messageId, String from, Optional<String> to, Optional<String> room, String text,
                           Optional<JsonNode> data) implements PushPayload {
}

package dev.gamestate.rooms;

import dev.gamestate.event.AckResult;

/** The ack of {@code unsubscribe}: an empty object. */
public record UnsubscribeResult() implements AckResult {
}

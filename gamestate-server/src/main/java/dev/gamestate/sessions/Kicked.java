package dev.gamestate.sessions;

/**
 * What a kick answers.
 *
 * @param kicked how many live sessions the order covered when it went out
 */
public record Kicked(int kicked) {
}

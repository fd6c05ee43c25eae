package dev.gamestate.protocol;

import java.util.Optional;

/**
 * The first frame on every connection.
 *
 * @param sessionId  the session's id
 * @param userId     who the server thinks is connected
 * @param namespace  {@code private} or {@code guest}
 * @param node       the node serving the connection
 * @param serverTime the server's clock, ISO-8601
 * @param guestToken for guests: present it as {@code ?guest_token=} to keep the id
 * @param limits     the limits the client must respect
 */
public record Welcome(
        String sessionId,
        String userId,
        String namespace,
        String node,
        String serverTime,
        Optional<String> guestToken,
        Limits limits) {

    /**
     * The connection's limits as the client sees them.
     *
     * @param maxFrameBytes       largest accepted frame
     * @param messagesPerSecond   sustained request rate
     * @param outboundBufferBytes how far the client may fall behind before it is closed with 4008
     * @param maxTextLength       longest chat text
     * @param maxStateBytes       largest room state
     * @param maxEventBytes       largest room event as stored (its whole frame)
     */
    public record Limits(int maxFrameBytes, int messagesPerSecond, int outboundBufferBytes,
                         int maxTextLength, int maxStateBytes, int maxEventBytes) {
    }
}

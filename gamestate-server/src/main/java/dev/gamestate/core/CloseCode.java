package dev.gamestate.core;

/** WebSocket close codes the server sends, with the reason text that goes with them. */
public enum CloseCode {
    GOING_AWAY(1001, "server shutting down"),
    PROTOCOL_ERROR(1002, "protocol error"),
    UNSUPPORTED_DATA(1003, "binary frames are not accepted"),
    INVALID_PAYLOAD(1007, "invalid UTF-8"),
    POLICY_VIOLATION(1008, "repeated abuse: too many frames over the rate limit"),
    MESSAGE_TOO_BIG(1009, "message too large"),
    INTERNAL_ERROR(1011, "internal error"),
    TOKEN_EXPIRED(4001, "token expired"),
    KICKED(4003, "kicked"),
    SLOW_CONSUMER(4008, "slow consumer: reconnect and subscribe with since");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /** The numeric close code. */
    public int code() {
        return code;
    }

    /** The close reason sent with the code. */
    public String reason() {
        return reason;
    }
}

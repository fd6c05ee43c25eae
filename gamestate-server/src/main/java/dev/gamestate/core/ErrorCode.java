package dev.gamestate.core;

/**
 * The one catalogue of error codes clients see, in replies, in HTTP bodies and in the admin API.
 * Each code knows its wire name and the HTTP status it maps to.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 400),
    UNKNOWN_TYPE("unknown_type", 400),
    INVALID_PAYLOAD("invalid_payload", 400),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    CONFLICT("conflict", 409),
    RATE_LIMITED("rate_limited", 429),
    TOO_LARGE("too_large", 413),
    INSUFFICIENT_FUNDS("insufficient_funds", 409),
    OUT_OF_STOCK("out_of_stock", 409),
    LIMIT_EXCEEDED("limit_exceeded", 409),
    UNAVAILABLE("unavailable", 503),
    INTERNAL("internal", 500);

    private final String wire;
    private final int httpStatus;

    ErrorCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    /** The code as clients read it, e.g. {@code insufficient_funds}. */
    public String wire() {
        return wire;
    }

    /** The HTTP status used when this error answers an HTTP request. */
    public int httpStatus() {
        return httpStatus;
    }
}

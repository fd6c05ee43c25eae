package dev.gamestate.transport;

import org.slf4j.MDC;

/**
 * The session, and the request, that the lines logged on this thread belong to, in SLF4J's MDC
 * ({@code sessionId}, {@code requestId}; the JSON log format writes them as fields). Opened around the
 * work done for one connection on an event loop or an executor and closed in a {@code finally}: the
 * values before it come back, so nothing leaks to the next session's lines on a shared thread.
 */
final class LogContext implements AutoCloseable {

    static final String SESSION_ID = "sessionId";
    static final String REQUEST_ID = "requestId";

    private final String[] keys;
    private final String[] before;

    private LogContext(String... keysAndValues) {
        keys = new String[keysAndValues.length / 2];
        before = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = keysAndValues[2 * i];
            before[i] = MDC.get(keys[i]);
            String value = keysAndValues[2 * i + 1];
            if (value == null) {
                MDC.remove(keys[i]);
            } else {
                MDC.put(keys[i], value);
            }
        }
    }

    /** Lines logged until {@link #close} carry the connection's session id. */
    static LogContext session(WsConnection connection) {
        return new LogContext(SESSION_ID, connection.sessionId());
    }

    /** Lines logged until {@link #close} carry the session id and the request's id (none: no requestId). */
    static LogContext request(WsConnection connection, String requestId) {
        return new LogContext(SESSION_ID, connection.sessionId(), REQUEST_ID, requestId);
    }

    /** Puts back what the keys held before. */
    @Override
    public void close() {
        for (int i = keys.length - 1; i >= 0; i--) {
            if (before[i] == null) {
                MDC.remove(keys[i]);
            } else {
                MDC.put(keys[i], before[i]);
            }
        }
    }
}

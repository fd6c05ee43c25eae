package dev.gamestate.app;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's own JSON encoder (one object per line), trimmed to what an operator reads, with the node's
 * id as a top-level field on every line. The session and request ids of the work a line was logged in
 * come in its {@code mdc} object.
 */
final class JsonLines extends JsonEncoder {

    private final String nodeId;

    /** {@code nodeId} is a checked {@code server.nodeId}: letters, digits, '_', '.', '-', nothing to escape. */
    JsonLines(String nodeId) {
        this.nodeId = nodeId;
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
        setWithArguments(false);
        // The message as read ("lease 1f silent for 3000 ms"), not its template with {} placeholders.
        setWithMessage(false);
        setWithFormattedMessage(true);
    }

    @Override
    protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
        sb.append(VALUE_SEPARATOR);
        appenderMember(sb, "nodeId", nodeId);
    }
}

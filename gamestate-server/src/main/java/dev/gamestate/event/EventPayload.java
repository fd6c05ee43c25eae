package dev.gamestate.event;

/**
 * The typed body of a request. Each request type has one payload record; the record checks its own
 * fields.
 */
public interface EventPayload {

    /**
     * Checks the payload's fields against the contract.
     *
     * @throws dev.gamestate.core.GameException with {@code invalid_payload} when a field is wrong
     */
    void validate();
}

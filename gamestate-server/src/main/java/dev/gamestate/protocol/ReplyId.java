package dev.gamestate.protocol;

import java.util.Objects;

/**
 * The {@code id} an error reply carries: the request's own, or none ({@code null} on the wire) when
 * the frame had no id that could be read.
 */
public sealed interface ReplyId {

    /** The id of the request being answered. */
    static ReplyId of(String id) {
        return new Request(id);
    }

    /** No readable id: the reply's {@code id} is {@code null}. */
    static ReplyId none() {
        return Unknown.INSTANCE;
    }

    /**
     * A request's id, as the client sent it.
     *
     * @param id 1 to 64 characters
     */
    record Request(String id) implements ReplyId {

        /** Rejects null. */
        public Request {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The frame's id could not be read. */
    enum Unknown implements ReplyId {
        /** The only one. */
        INSTANCE
    }
}

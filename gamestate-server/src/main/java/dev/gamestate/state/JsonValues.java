package dev.gamestate.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import io.etcd.jetcd.ByteSequence;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for values kept in etcd, with the server's one mapper. */
public final class JsonValues {

    private final ObjectMapper mapper;

    /** Values written and read with {@code mapper}. */
    public JsonValues(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The mapper, for tree work. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** {@code value} as JSON bytes. */
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a stored value; a value that does not parse is an internal error, never silently skipped. */
    public <T> T read(ByteSequence value, Class<T> type) {
        return read(value.getBytes(), type);
    }

    /** Reads a stored value; a value that does not parse is an internal error, never silently skipped. */
    public <T> T read(byte[] value, Class<T> type) {
        try {
            return mapper.readValue(value, type);
        } catch (IOException e) {
            throw new GameException(ErrorCode.INTERNAL, "stored " + type.getSimpleName() + " is unreadable", e);
        }
    }
}

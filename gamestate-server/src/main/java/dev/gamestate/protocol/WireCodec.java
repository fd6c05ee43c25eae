package dev.gamestate.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Principal;
import dev.gamestate.event.AckResult;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventType;
import dev.gamestate.event.OutboundEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON wire format: decodes client envelopes into typed events and encodes replies, events,
 * {@code welcome} and HTTP error bodies. Thread-safe; build one per process.
 */
public final class WireCodec implements EventEncoder {

    /** Timestamps on the wire: UTC, millisecond precision, always with the fraction. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final int MAX_ID_LENGTH = 64;
    private static final int MAX_NESTING = 64;

    private final ObjectMapper mapper;

    private WireCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The codec with the server's Jackson settings. */
    public static WireCodec create() {
        SimpleModule instants = new SimpleModule("wire-instants");
        instants.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(TIMESTAMP.format(value));
            }
        });
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(instants)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A value of the wrong JSON type is invalid_payload, never converted: no 7 for "7",
                // no "7" for 7, no 7 for 7.5 (scalar-to-text coercion is configured below).
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
        return new WireCodec(mapper);
    }

    /** The shared mapper, for code that stores JSON with the same settings. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads a text frame as an envelope.
     *
     * @throws FrameException with {@code bad_request} when the frame is not a JSON object of the
     *                        envelope's shape
     */
    public Envelope envelope(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw badRequest(ReplyId.none(), "frame is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw badRequest(ReplyId.none(), "frame must be a JSON object");
        }
        JsonNode idNode = root.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isEmpty()
                || idNode.asText().length() > MAX_ID_LENGTH) {
            throw badRequest(ReplyId.none(), "id must be a string of 1 to 64 characters");
        }
        ReplyId id = ReplyId.of(idNode.asText());
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw badRequest(id, "type must be a non-empty string");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            payload = mapper.createObjectNode();
        } else if (!payload.isObject()) {
            throw badRequest(id, "payload must be a JSON object");
        }
        var names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("id") && !name.equals("type") && !name.equals("payload")) {
                throw badRequest(id, "unknown envelope field '" + name + "'");
            }
        }
        return new Envelope(idNode.asText(), type.asText(), payload);
    }

    /**
     * Decodes the envelope's payload into {@code type}'s record, validates it and builds the event.
     *
     * @throws FrameException with {@code invalid_payload} when the payload does not fit
     */
    public <P extends EventPayload> Event<P> event(Envelope envelope, EventType<P> type, Principal principal,
                                                   Instant receivedAt) {
        P payload;
        try {
            payload = mapper.treeToValue(envelope.payload(), type.payloadClass());
        } catch (UnrecognizedPropertyException e) {
            throw new FrameException(envelope.replyId(),
                    GameException.invalid("unknown field '" + e.getPropertyName() + "'"));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new FrameException(envelope.replyId(), GameException.invalid(describe(e)));
        }
        if (payload == null) {
            throw new FrameException(envelope.replyId(), GameException.invalid("payload is missing"));
        }
        try {
            payload.validate();
        } catch (GameException e) {
            throw new FrameException(envelope.replyId(), e);
        }
        return new Event<>(envelope.id(), type, principal.namespace(), principal.userId(), receivedAt, payload);
    }

    private static String describe(Exception e) {
        if (e instanceof JsonProcessingException jpe) {
            String path = jpe instanceof com.fasterxml.jackson.databind.JsonMappingException jme
                    ? jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("payload")
                    : "payload";
            return path + " has the wrong type or shape";
        }
        return "payload does not fit the request type";
    }

    /** An {@code ack} frame. */
    public byte[] ack(String id, AckResult result) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", "ack");
            g.writeStringField("id", id);
            g.writeFieldName("result");
            mapper.writeValue(g, result);
            g.writeEndObject();
        });
    }

    /** An {@code error} frame; its {@code id} is null on the wire for {@link ReplyId#none()}. */
    public byte[] error(ReplyId id, GameException error) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeFieldName("id");
            switch (id) {
                case ReplyId.Request(String requestId) -> g.writeString(requestId);
                case ReplyId.Unknown unknown -> g.writeNull();
            }
            g.writeFieldName("error");
            writeError(g, error);
            g.writeEndObject();
        });
    }

    /** The JSON body of an HTTP error: {@code {"error":{"code","message"}}}. */
    public byte[] httpError(GameException error) {
        return write(g -> {
            g.writeStartObject();
            g.writeFieldName("error");
            writeError(g, error);
            g.writeEndObject();
        });
    }

    /** The JSON body of an HTTP error. */
    public byte[] httpError(ErrorCode code, String message) {
        return httpError(new GameException(code, message));
    }

    private static void writeError(JsonGenerator g, GameException error) throws IOException {
        g.writeStartObject();
        g.writeStringField("code", error.code().wire());
        g.writeStringField("message", error.getMessage());
        if (error.retryAfterMs().isPresent()) {
            g.writeNumberField("retryAfterMs", error.retryAfterMs().getAsLong());
        }
        g.writeEndObject();
    }

    /** The {@code welcome} frame. */
    public byte[] welcome(Welcome welcome) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", "welcome");
            g.writeFieldName("payload");
            mapper.writeValue(g, welcome);
            g.writeEndObject();
        });
    }

    /**
     * The {@code token_expiring} frame: the session's token expires at {@code expiresAt} (the session
     * is closed with 4001 then) unless the client sends {@code refresh} with a new one.
     */
    public byte[] tokenExpiring(Instant expiresAt) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", "token_expiring");
            g.writeStringField("expiresAt", TIMESTAMP.format(expiresAt));
            g.writeEndObject();
        });
    }

    @Override
    public byte[] encode(OutboundEvent event) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", event.type().name());
            g.writeStringField("id", event.id());
            g.writeStringField("namespace", event.namespace().wire());
            g.writeStringField("userId", event.userId());
            g.writeStringField("timestamp", TIMESTAMP.format(event.timestamp()));
            switch (event) {
                case OutboundEvent.InRoom<?> inRoom -> {
                    g.writeStringField("room", inRoom.room());
                    g.writeNumberField("seq", inRoom.seq());
                }
                case OutboundEvent.AboutRoom<?> aboutRoom -> g.writeStringField("room", aboutRoom.room());
                case OutboundEvent.ToUser<?> toUser -> {
                }
            }
            g.writeFieldName("payload");
            mapper.writeValue(g, event.payload());
            g.writeEndObject();
        });
    }

    /** Any value as JSON bytes with the wire settings. */
    public byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Body {
        void write(JsonGenerator generator) throws IOException;
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static FrameException badRequest(ReplyId id, String message) {
        return new FrameException(id, new GameException(ErrorCode.BAD_REQUEST, message));
    }
}

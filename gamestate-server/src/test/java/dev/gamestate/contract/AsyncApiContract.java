package dev.gamestate.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import dev.gamestate.contract.CapturedFrames.Direction;
import dev.gamestate.contract.CapturedFrames.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * docs/asyncapi.yaml as the tests read it: which messages clients send and receive (from its
 * operations), the wire {@code type}s each message declares (a {@code const} or {@code enum} on its
 * payload's {@code type}), and the checks of captured frames against the messages' schemas. Each
 * check answers a list of problems, empty when the contract holds, so that a test can also show a
 * broken document failing.
 */
final class AsyncApiContract {

    /** A request's ack is the message named after the request's with this suffix ({@code subscribeResult}). */
    static final String RESULT_SUFFIX = "Result";

    /** Error codes with which the server refuses a frame as malformed: the schema must refuse it too. */
    private static final Set<String> MALFORMED = Set.of("bad_request", "invalid_payload");

    private final ContractDoc doc;

    AsyncApiContract(ContractDoc doc) {
        this.doc = doc;
    }

    /** The messages of the operations with {@code action} (send or receive), each with its wire types. */
    Map<String, Set<String>> messages(String action) {
        Map<String, Set<String>> messages = new TreeMap<>();
        doc.root().path("operations").forEach(op -> {
            if (op.path("action").asText().equals(action)) {
                op.path("messages").forEach(ref -> {
                    String pointer = doc.target(ref.get("$ref").asText().substring(1));
                    String key = pointer.substring(pointer.lastIndexOf('/') + 1);
                    messages.put(key, declaredTypes(doc.resolve(pointer + "/payload")));
                });
            }
        });
        return messages;
    }

    /** Every wire type the messages of {@code action} declare. */
    Set<String> types(String action) {
        Set<String> types = new TreeSet<>();
        messages(action).values().forEach(types::addAll);
        return types;
    }

    private Set<String> declaredTypes(JsonNode schema) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode type = doc.follow(schema.path("properties").path("type"));
        if (type.has("const")) {
            types.add(type.get("const").asText());
        }
        type.path("enum").forEach(v -> types.add(v.asText()));
        schema.path("allOf").forEach(part -> types.addAll(declaredTypes(doc.follow(part))));
        return types;
    }

    /** The messages of {@code action} that declare wire type {@code type}. */
    private List<String> declaring(String action, String type) {
        List<String> keys = new ArrayList<>();
        messages(action).forEach((key, types) -> {
            if (types.contains(type)) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** The schema errors of {@code frame} against message {@code key}'s payload. */
    List<Error> errors(String key, JsonNode frame) {
        return doc.validate("/components/messages/" + key + "/payload", frame);
    }

    /** Problems of {@code frame}, a frame the server writes: no message of its type accepts it. */
    List<String> checkServerFrame(String where, JsonNode frame) {
        String type = frame.path("type").asText();
        List<String> candidates = declaring("receive", type);
        if (candidates.isEmpty()) {
            return List.of(where + ": no received message declares type '" + type + "'");
        }
        return anyAccepts(where, candidates, frame);
    }

    private List<String> anyAccepts(String where, List<String> candidates, JsonNode frame) {
        Map<String, List<Error>> refusals = new LinkedHashMap<>();
        for (String key : candidates) {
            List<Error> errors = errors(key, frame);
            if (errors.isEmpty()) {
                return List.of();
            }
            refusals.put(key, errors);
        }
        return List.of(where + ": no message accepts it: " + refusals);
    }

    /**
     * Checks every captured frame that is whole JSON: a client frame against the sent message of its
     * type (and, when the server answered it {@code bad_request} or {@code invalid_payload}, that the
     * schema refuses it too; when {@code unknown_type}, that no message declares it), an ack against
     * the result message of its request, any other server frame against the received messages of its
     * type. A pushed event elided between its fields has its payload checked when the capture kept it
     * whole. Skipped frames are counted in {@code tally} by reason.
     */
    List<String> checkCaptured(List<Frame> frames, Map<String, Integer> tally) {
        List<String> problems = new ArrayList<>();
        Map<Frame, Frame> replies = pairRepliesToRequests(frames);
        Map<Frame, Frame> requestOf = new LinkedHashMap<>();
        replies.forEach((request, reply) -> requestOf.put(reply, request));
        for (Frame frame : frames) {
            if (frame.skipped().isPresent()) {
                String reason = frame.skipped().get();
                if (reason.startsWith("does not parse")) {
                    problems.add(frame + ": a captured frame that is not JSON");
                }
                Optional<JsonNode> payload = elidedEventPayload(frame);
                if (payload.isPresent()) {
                    tally.merge("elided between fields, its whole payload validated", 1, Integer::sum);
                    problems.addAll(checkEventPayload(frame.toString(), frame.type().orElse(""), payload.get()));
                } else {
                    tally.merge("skipped, " + reason, 1, Integer::sum);
                }
                continue;
            }
            JsonNode json = frame.json().orElseThrow();
            String where = frame.toString();
            if (frame.direction() == Direction.CLIENT) {
                problems.addAll(checkRequest(where, json, Optional.ofNullable(replies.get(frame)), tally));
            } else if (frame.type().orElse("").equals("ack") && requestOf.containsKey(frame)) {
                String requestType = requestOf.get(frame).type().orElse("");
                List<String> requests = declaring("send", requestType);
                if (requests.size() != 1) {
                    problems.add(where + ": its request type '" + requestType + "' is declared by " + requests);
                    continue;
                }
                String result = requests.getFirst() + RESULT_SUFFIX;
                if (!messages("receive").containsKey(result)) {
                    problems.add(where + ": no received message " + result + " for the ack of " + requestType);
                    continue;
                }
                List<Error> errors = errors(result, json);
                if (!errors.isEmpty()) {
                    problems.add(where + ": " + result + " refuses it: " + errors);
                }
                tally.merge("validated, ack against its request's result", 1, Integer::sum);
            } else {
                problems.addAll(checkServerFrame(where, json));
                tally.merge("validated, server frame", 1, Integer::sum);
            }
        }
        return problems;
    }

    private List<String> checkRequest(String where, JsonNode json, Optional<Frame> reply, Map<String, Integer> tally) {
        String type = json.path("type").asText();
        List<String> candidates = declaring("send", type);
        String code = reply.filter(r -> r.type().orElse("").equals("error"))
                .flatMap(Frame::json).map(r -> r.path("error").path("code").asText()).orElse("");
        if (code.equals("unknown_type")) {
            tally.merge("validated, request refused as unknown_type (no message declares it)", 1, Integer::sum);
            return candidates.isEmpty() ? List.of()
                    : List.of(where + ": the server does not know '" + type + "', asyncapi does: " + candidates);
        }
        if (candidates.isEmpty()) {
            return List.of(where + ": no sent message declares type '" + type + "'");
        }
        if (MALFORMED.contains(code)) {
            tally.merge("validated, request refused as " + code + " (the schema must refuse it too)", 1, Integer::sum);
            List<String> accepting = candidates.stream().filter(k -> errors(k, json).isEmpty()).toList();
            return accepting.isEmpty() ? List.of()
                    : List.of(where + ": the server refused it as " + code + ", yet " + accepting + " accepts it");
        }
        tally.merge("validated, request", 1, Integer::sum);
        return anyAccepts(where, candidates, json);
    }

    /**
     * The payload of a pushed event elided between its fields, when the capture kept it whole at the
     * end ({@code {"type":"…",…,"payload":{…}}}).
     */
    static Optional<JsonNode> elidedEventPayload(Frame frame) {
        String text = frame.text();
        int at = text.lastIndexOf(",\"payload\":");
        String type = frame.type().orElse("");
        if (frame.direction() != Direction.SERVER || type.isEmpty() || Set.of("ack", "error").contains(type)
                || !text.contains("…") || at < 0 || !text.endsWith("}")) {
            return Optional.empty();
        }
        String payload = text.substring(at + ",\"payload\":".length(), text.length() - 1);
        if (payload.contains("…")) {
            return Optional.empty();
        }
        try {
            JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(payload);
            return json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Problems of {@code payload} as the payload of a pushed event of wire type {@code type}. */
    private List<String> checkEventPayload(String where, String type, JsonNode payload) {
        Map<String, List<Error>> refusals = new LinkedHashMap<>();
        for (String key : declaring("receive", type)) {
            String message = "/components/messages/" + key + "/payload";
            JsonNode parts = doc.resolve(message).path("allOf");
            for (int i = 0; i < parts.size(); i++) {
                String pointer = message + "/allOf/" + i + "/properties/payload";
                if (!doc.root().at(pointer).isMissingNode()) {
                    List<Error> errors = doc.validate(pointer, payload);
                    if (errors.isEmpty()) {
                        return List.of();
                    }
                    refusals.put(key, errors);
                }
            }
        }
        return List.of(where + ": no message of type '" + type + "' accepts its payload: " + refusals);
    }

    /** Each client frame with an id and the first later server ack or error with its id on its connection. */
    private static Map<Frame, Frame> pairRepliesToRequests(List<Frame> frames) {
        Map<Frame, Frame> replies = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame request = frames.get(i);
            if (request.direction() != Direction.CLIENT || request.id().isEmpty()) {
                continue;
            }
            for (int k = i + 1; k < frames.size(); k++) {
                Frame next = frames.get(k);
                boolean sameConnection = next.speaker().equals(request.speaker());
                if (sameConnection && next.direction() == Direction.CLIENT && next.id().equals(request.id())) {
                    break; // the id was used again before any reply
                }
                if (sameConnection && next.direction() == Direction.SERVER && next.id().equals(request.id())
                        && Set.of("ack", "error").contains(next.type().orElse(""))) {
                    replies.put(request, next);
                    break;
                }
            }
        }
        return replies;
    }
}

package dev.gamestate.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import dev.gamestate.contract.CapturedCalls.Call;
import dev.gamestate.core.ErrorCode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * docs/openapi.yaml as the tests read it: the calls it describes, and the checks of captured calls
 * (path and query parameters, request body, answer for its status) against its schemas. Each check
 * answers a list of problems, empty when the contract holds.
 */
final class OpenApiContract {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final ContractDoc doc;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    OpenApiContract(ContractDoc doc) {
        this.doc = doc;
    }

    /** Every call described, as {@code METHOD /path} with the document's path templates. */
    Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        doc.root().path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                routes.add(m.toUpperCase() + " " + path.getKey());
            }
        }));
        return routes;
    }

    /** The document's path template that {@code path} fits, when one does. */
    Optional<String> template(String path) {
        Iterator<String> templates = doc.root().path("paths").fieldNames();
        while (templates.hasNext()) {
            String template = templates.next();
            if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\."))) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    private static String pointer(String template, String method) {
        return "/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase();
    }

    /**
     * Checks a captured call: its path fits a described call; its parameters and body fit their
     * schemas unless the server refused it as malformed (status 400), when they must not; its answer
     * fits the response described for its status (or {@code default}), and an error's code has that
     * status.
     */
    List<String> check(Call call) {
        List<String> problems = new ArrayList<>();
        Optional<String> template = template(call.path());
        if (template.isEmpty() || doc.root().at(pointer(template.get(), call.method())).isMissingNode()) {
            return List.of(call + ": no such call in openapi.yaml");
        }
        String operation = pointer(template.get(), call.method());
        List<String> requestErrors = new ArrayList<>(parameterErrors(template.get(), operation, call));
        call.body().ifPresent(body -> {
            String schema = operation + "/requestBody/content/application~1json/schema";
            if (doc.root().at(schema).isMissingNode()) {
                requestErrors.add("a body, and the call takes none");
            } else {
                read(body).ifPresentOrElse(json -> doc.validate(schema, json).forEach(e -> requestErrors.add(e.toString())),
                        () -> requestErrors.add("the body is not JSON"));
            }
        });
        if (call.body().isEmpty() && doc.root().at(operation + "/requestBody/required").asBoolean()) {
            requestErrors.add("no body, and the call needs one");
        }
        if (call.status() == 400 && requestErrors.isEmpty()) {
            problems.add(call + ": the server refused it as malformed (400), yet it fits openapi.yaml");
        } else if (call.status() != 400 && !requestErrors.isEmpty()) {
            problems.add(call + ": the request does not fit openapi.yaml: " + requestErrors);
        }
        if (call.answer().isEmpty()) {
            return problems;
        }
        String responses = operation + "/responses/";
        String status = String.valueOf(call.status());
        String response = doc.root().at(responses + status).isMissingNode() ? responses + "default" : responses + status;
        if (doc.root().at(response).isMissingNode()) {
            problems.add(call + ": openapi.yaml describes no " + status + " answer and no default");
            return problems;
        }
        String schema = doc.target(response) + "/content/application~1json/schema";
        Optional<JsonNode> answer = read(call.answer().get());
        if (answer.isEmpty()) {
            problems.add(call + ": the captured answer is not JSON: " + call.answer().get());
            return problems;
        }
        List<Error> errors = doc.validate(schema, answer.get());
        if (!errors.isEmpty()) {
            problems.add(call + ": the " + status + " answer does not fit openapi.yaml: " + errors);
        }
        String code = answer.get().path("error").path("code").asText("");
        if (!code.isEmpty()) {
            int expected = Arrays.stream(ErrorCode.values()).filter(c -> c.wire().equals(code))
                    .mapToInt(ErrorCode::httpStatus).findFirst().orElse(-1);
            if (expected != call.status()) {
                problems.add(call + ": " + code + " is HTTP " + expected + ", captured " + status);
            }
        }
        return problems;
    }

    private List<String> parameterErrors(String template, String operation, Call call) {
        List<String> errors = new ArrayList<>();
        List<JsonNode> parameters = new ArrayList<>();
        doc.root().at(operation.substring(0, operation.lastIndexOf('/')) + "/parameters").forEach(parameters::add);
        doc.root().at(operation + "/parameters").forEach(parameters::add);
        String[] templateSegments = template.split("/");
        String[] pathSegments = call.path().split("/");
        for (JsonNode declared : parameters) {
            JsonNode parameter = doc.follow(declared);
            String name = parameter.path("name").asText();
            Optional<String> value = Optional.empty();
            if (parameter.path("in").asText().equals("path")) {
                for (int i = 0; i < templateSegments.length; i++) {
                    if (templateSegments[i].equals("{" + name + "}")) {
                        value = Optional.of(URLDecoder.decode(pathSegments[i], StandardCharsets.UTF_8));
                    }
                }
            } else if (parameter.path("in").asText().equals("query")) {
                value = Optional.ofNullable(call.query().get(name));
            }
            if (value.isEmpty()) {
                if (parameter.path("required").asBoolean()) {
                    errors.add("parameter " + name + " is required");
                }
                continue;
            }
            String schema = pointerOf(declared) + "/schema";
            for (Error e : doc.validate(schema, TextNode.valueOf(value.get()))) {
                errors.add("parameter " + name + ": " + e);
            }
        }
        return errors;
    }

    /** The pointer of a parameter node: its $ref's target, or where it sits. */
    private String pointerOf(JsonNode declared) {
        if (declared.has("$ref")) {
            return doc.target(declared.get("$ref").asText().substring(1));
        }
        return locate(doc.root(), declared, "").orElseThrow();
    }

    private static Optional<String> locate(JsonNode node, JsonNode wanted, String at) {
        if (node == wanted) {
            return Optional.of(at);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                Optional<String> found = locate(e.getValue(), wanted,
                        at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"));
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = locate(node.get(i), wanted, at + "/" + i);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<JsonNode> read(String text) {
        try {
            return Optional.of(mapper.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}

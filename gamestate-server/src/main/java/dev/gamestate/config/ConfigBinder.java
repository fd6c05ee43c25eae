package dev.gamestate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the layered tree into the {@link GameConfig} records with Jackson. The records check their own
 * values; this class only turns Jackson's type errors into a {@link ConfigException} naming the key.
 */
final class ConfigBinder {

    private static final Set<Class<?>> INTEGERS = Set.of(int.class, Integer.class, long.class, Long.class,
            OptionalInt.class, OptionalLong.class);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private ConfigBinder() {
    }

    /** The section at dotted {@code key} of {@code tree} ({@code ""} for all of it) as a {@code type}. */
    static <T> T bind(JsonNode tree, String key, Class<T> type) {
        JsonNode node = key.isEmpty() ? tree : tree.at("/" + key.replace('.', '/'));
        JsonNode normalized = normalized(node);
        try {
            return MAPPER.treeToValue(normalized, type);
        } catch (JsonMappingException e) {
            throw translated(e, key, normalized);
        } catch (JsonProcessingException e) {
            throw new ConfigException(key, e.getOriginalMessage());
        }
    }

    /** Text stripped; empty text, blank list items and a section with nothing set are absent (null). */
    private static JsonNode normalized(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText().strip();
            return text.isEmpty() ? NullNode.instance : TextNode.valueOf(text);
        }
        if (node.isArray()) {
            var list = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> list.add(normalized(item)));
            list.removeIf(JsonNode::isNull);
            return list;
        }
        if (node.isObject()) {
            ObjectNode section = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> section.set(e.getKey(), normalized(e.getValue())));
            boolean unset = !section.isEmpty() && section.valueStream().allMatch(JsonNode::isNull);
            return unset ? NullNode.instance : section;
        }
        return node;
    }

    private static ConfigException translated(JsonMappingException e, String prefix, JsonNode tree) {
        StringBuilder key = new StringBuilder(prefix);
        JsonNode value = tree;
        for (JsonMappingException.Reference ref : e.getPath()) {
            String name = ref.getFieldName() != null ? ref.getFieldName() : Integer.toString(ref.getIndex());
            key.append(key.isEmpty() ? "" : ".").append(name);
            value = ref.getFieldName() != null ? value.path(name) : value.path(ref.getIndex());
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigException c) {
                return inList(c, key.toString());
            }
        }
        if (e instanceof UnrecognizedPropertyException) {
            return new ConfigException(key.toString(), "unknown key");
        }
        if (value.isMissingNode() || value.isNull()) {
            return new ConfigException(key.toString(), "is missing");
        }
        Class<?> type = e instanceof MismatchedInputException m ? m.getTargetType() : Object.class;
        if (INTEGERS.contains(type) && value.asText().matches("^-?\\d+$")) {
            return new ConfigException(key.toString(), "out of range, got " + value.asText());
        }
        // Secrets are never a type error (any text is one), so a value named here is no secret.
        return new ConfigException(key.toString(), expected(type) + (value.isValueNode() ? ", got '" + value.asText() + "'" : ""));
    }

    // A record inside a list names its keys without the index (economy.catalog.price): put the index back.
    private static ConfigException inList(ConfigException e, String path) {
        String withoutIndexes = path.replaceAll("\\.\\d+(?=\\.|$)", "");
        if (withoutIndexes.equals(path) || !e.key().startsWith(withoutIndexes + ".")) {
            return e;
        }
        return new ConfigException(path + e.key().substring(withoutIndexes.length()), e.problem());
    }

    private static String expected(Class<?> type) {
        if (INTEGERS.contains(type)) {
            return "expected an integer";
        } else if (type == boolean.class || type == Boolean.class) {
            return "expected true or false";
        } else if (type == Duration.class) {
            return "expected a duration such as 250ms, 30s, 5m, 2h or 7d";
        } else if (type != null && Collection.class.isAssignableFrom(type)) {
            return "expected a list";
        } else if (type != null && (Map.class.isAssignableFrom(type) || type.isRecord() && type != Secret.class)) {
            return "expected a map of keys to values";
        }
        return "expected a text value";
    }

    /** Reads a duration: a whole number and one unit, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    private static final class DurationDeserializer extends FromStringDeserializer<Duration> {

        private static final long serialVersionUID = 1L;
        // 12 digits keep even days within a Duration.
        private static final Pattern TEXT = Pattern.compile("^(\\d{1,12})(ms|s|m|h|d)$");
        private static final Map<String, ChronoUnit> UNITS = Map.of("ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS,
                "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS, "d", ChronoUnit.DAYS);

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        protected Duration _deserialize(String text, DeserializationContext ctxt) {
            Matcher m = TEXT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration");
            }
            return Duration.of(Long.parseLong(m.group(1)), UNITS.get(m.group(2)));
        }
    }
}

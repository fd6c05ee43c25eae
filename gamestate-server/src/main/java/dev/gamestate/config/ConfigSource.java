package dev.gamestate.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The raw configuration tree: the shipped defaults, then an optional YAML file, then the environment.
 * This is the only code that reads configuration files and environment variables.
 */
public final class ConfigSource {

    /** The environment variable that names a YAML file layered over the defaults. */
    public static final String CONFIG_FILE_ENV = "GAMESTATE_CONFIG";

    private static final String ENV_PREFIX = "GAMESTATE_";
    private static final String DEFAULTS = "/gamestate-defaults.yaml";
    // Keys whose children are free-form (a map of currencies), so a file may add children.
    private static final Set<String> OPEN_MAPS = Set.of("economy.startingBalance");
    // Lists of maps: their variable holds YAML / JSON flow text, also when the default list is empty
    // (whose shape the tree cannot tell).
    private static final Set<String> LISTS_OF_MAPS = Set.of("economy.catalog", "rooms.policies");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ObjectNode tree;

    private ConfigSource(ObjectNode tree) {
        this.tree = tree;
    }

    /**
     * Loads the defaults, layers {@code configFile} (or the file named by {@code GAMESTATE_CONFIG}) and
     * then every {@code GAMESTATE_*} variable of {@code env} that names a key.
     */
    public static ConfigSource load(Optional<Path> configFile, Map<String, String> env) {
        ObjectNode tree = readDefaults();
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(env.get(CONFIG_FILE_ENV))
                .filter(s -> !s.isBlank()).map(Path::of));
        file.ifPresent(f -> merge(tree, readFile(f), "", f));
        applyEnvironment(tree, "", env);
        return new ConfigSource(tree);
    }

    /** The node at a dotted key path, if present. */
    public Optional<JsonNode> node(String key) {
        JsonNode node = tree.at("/" + key.replace('.', '/'));
        return node.isMissingNode() ? Optional.empty() : Optional.of(node);
    }

    /** The value at {@code key} as one line of text: lists comma-separated, missing as empty. */
    public String render(String key) {
        JsonNode node = node(key).orElseThrow(() -> new ConfigException(key, "no such key"));
        if (node.isArray()) {
            return String.join(",", node.valueStream().map(n -> n.isValueNode() ? n.asText() : n.toString()).toList());
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** The validated, typed configuration. */
    public GameConfig bind() {
        return ConfigBinder.bind(tree, "", GameConfig.class);
    }

    /** Only the player JWT settings, validated; for tools that need nothing else (minting dev tokens). */
    public GameConfig.Jwt bindJwt() {
        return ConfigBinder.bind(tree, "auth.jwt", GameConfig.Jwt.class);
    }

    /** The environment variable that sets {@code key}, e.g. {@code GAMESTATE_SERVER_PORT}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT);
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = ConfigSource.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException(CONFIG_FILE_ENV, "cannot read config file " + file);
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(CONFIG_FILE_ENV, file + " must hold a YAML mapping");
            }
            return node;
        } catch (JacksonException e) {
            throw new ConfigException(CONFIG_FILE_ENV, file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(CONFIG_FILE_ENV, "cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private static void merge(ObjectNode target, JsonNode overlay, String path, Path file) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode existing = target.get(field.getKey());
            if (existing == null && !OPEN_MAPS.contains(path)) {
                throw new ConfigException(key, "unknown key in " + file);
            }
            if (existing != null && existing.isObject() && field.getValue().isObject()
                    && !OPEN_MAPS.contains(key)) {
                merge((ObjectNode) existing, field.getValue(), key, file);
            } else if (existing != null && existing.isArray() && field.getValue().isTextual()) {
                target.set(field.getKey(), commaSeparated(field.getValue().asText()));
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void applyEnvironment(ObjectNode node, String path, Map<String, String> env) {
        // A copy of the names: setting a child while iterating the node's own view would fail.
        for (String name : node.properties().stream().map(Map.Entry::getKey).toList()) {
            String key = path.isEmpty() ? name : path + "." + name;
            JsonNode child = node.get(name);
            String value = env.get(envName(key));
            if (value != null) {
                node.set(name, fromEnv(key, child, value));
            } else if (child.isObject()) {
                applyEnvironment((ObjectNode) child, key, env);
            }
        }
    }

    private static JsonNode fromEnv(String key, JsonNode current, String value) {
        boolean structured = current.isObject() || LISTS_OF_MAPS.contains(key)
                || (current.isArray() && current.size() > 0 && current.get(0).isContainerNode());
        if (structured && current.isArray() && value.isBlank()) {
            return JsonNodeFactory.instance.arrayNode(); // set to nothing: no entries
        }
        if (structured) {
            // A map or a list of objects: the variable holds YAML / JSON flow text.
            try {
                return YAML.readTree(value);
            } catch (JacksonException e) {
                throw new ConfigException(key, envName(key) + " must hold YAML or JSON: " + e.getOriginalMessage());
            }
        }
        return current.isArray() ? commaSeparated(value) : TextNode.valueOf(value);
    }

    private static ArrayNode commaSeparated(String value) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                list.add(part.strip());
            }
        }
        return list;
    }
}

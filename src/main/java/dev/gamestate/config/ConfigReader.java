package dev.gamestate.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of a {@link JsonNode} tree, each failure naming the key. */
final class ConfigReader {

    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");

    private final JsonNode root;
    private final String prefix;

    ConfigReader(JsonNode root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    ConfigReader at(String child) {
        return new ConfigReader(root, key(child));
    }

    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    JsonNode node(String name) {
        JsonNode node = root;
        for (String part : key(name).split("\\.")) {
            if (node != null && node.isArray() && part.chars().allMatch(Character::isDigit)) {
                node = node.get(Integer.parseInt(part));
            } else {
                node = node == null ? null : node.get(part);
            }
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new ConfigException(key(name), "is missing");
        }
        return node;
    }

    String string(String name) {
        JsonNode node = node(name);
        if (!node.isValueNode()) {
            throw new ConfigException(key(name), "expected a text value");
        }
        return node.asText().strip();
    }

    Optional<String> optionalString(String name) {
        String value = string(name);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    long integer(String name, long min, long max) {
        JsonNode node = node(name);
        String text = node.asText().strip();
        long value;
        if (node.isIntegralNumber()) {
            value = node.asLong();
        } else {
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new ConfigException(key(name), "expected an integer, got '" + text + "'");
            }
        }
        if (value < min || value > max) {
            throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    int intValue(String name, int min, int max) {
        return (int) integer(name, min, max);
    }

    boolean bool(String name) {
        JsonNode node = node(name);
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        String text = node.asText().strip().toLowerCase(java.util.Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key(name), "expected true or false, got '" + text + "'");
        };
    }

    Duration duration(String name, Duration min, Duration max) {
        String text = string(name);
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(key(name), "expected a duration such as 250ms, 30s, 5m, 2h or 7d, got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + text);
        }
        return value;
    }

    List<String> stringList(String name) {
        JsonNode node = node(name);
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    throw new ConfigException(key(name), "expected a list of text values");
                }
                if (!item.asText().isBlank()) {
                    out.add(item.asText().strip());
                }
            }
        } else if (node.isValueNode()) {
            for (String part : node.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        } else {
            throw new ConfigException(key(name), "expected a list");
        }
        return List.copyOf(out);
    }
}

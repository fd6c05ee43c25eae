package dev.gamestate.config;

import dev.gamestate.core.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The rules the config records apply in their constructors; every failure names the key. */
final class Check {

    private static final int MIN_SECRET_BYTES = 32;

    private Check() {
    }

    /** Refuses {@code value} at {@code key} with {@code problem} unless {@code ok}. */
    static void that(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }

    /** {@code value}, or an error saying {@code key} is missing. */
    static <T> T present(String key, T value) {
        that(value != null, key, "is missing");
        return value;
    }

    /** An immutable copy of {@code values}, refused when it or an element is missing. */
    static <T> List<T> list(String key, List<T> values) {
        present(key, values).forEach(value -> present(key, value));
        return List.copyOf(values);
    }

    /** Refuses {@code value} outside {@code min..max}. */
    static void range(String key, long value, long min, long max) {
        that(value >= min && value <= max, key, "expected " + min + ".." + max + ", got " + value);
    }

    /** Refuses a missing {@code value} or one outside {@code min..max}. */
    static void range(String key, Duration value, Duration min, Duration max) {
        that(present(key, value).compareTo(min) >= 0 && value.compareTo(max) <= 0, key,
                "expected " + format(min) + ".." + format(max) + ", got " + format(value));
    }

    /** {@code duration} the way a config file writes it ({@code 250ms}, {@code 5m}), else ISO-8601. */
    static String format(Duration duration) {
        if (duration.isZero() || duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.isZero() ? "0s" : duration.toString();
        }
        long s = duration.getSeconds();
        return duration.getNano() != 0 ? duration.toMillis() + "ms" : s % 86_400 == 0 ? s / 86_400 + "d"
                : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** Refuses a missing secret or one shorter than 32 bytes; the message never holds the value. */
    static void secret(String key, Secret secret) {
        that(present(key, secret).value().getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES,
                key, "must be at least " + MIN_SECRET_BYTES + " bytes");
    }

    /** Refuses a file this process cannot read. */
    static void readable(String key, Path file) {
        that(Files.isReadable(file), key, "cannot read " + file);
    }

    /** Refuses a name that is not a currency. */
    static void currency(String key, String currency) {
        that(Names.isCurrency(currency), key, "a currency matches " + Names.currencyRule() + ", got '" + currency + "'");
    }

    /** Refuses an etcd endpoint that is not http(s)://host:port. */
    static void endpoint(String key, String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "not a URL: '" + endpoint + "'");
        }
        that(uri.getHost() != null && uri.getPort() >= 0 && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())),
                key, "each endpoint is http(s)://host:port, got '" + endpoint + "'");
    }
}

package dev.gamestate.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The load generator's settings, read from {@code --name value} arguments and bounded so that a run
 * stays small: loopback targets only, at most 2000 clients and 120 seconds.
 *
 * @param url        the server's base URL, {@code ws://127.0.0.1:8080}
 * @param mode       {@code broadcast} (subscribe and broadcast) or {@code ping} (round trips only)
 * @param clients    WebSocket clients to connect
 * @param rooms      rooms to subscribe to
 * @param everyRoom  true: every client subscribes to every room; false: client i to room i mod rooms
 * @param publishers how many of the clients send requests
 * @param rate       requests a second, all publishers together
 * @param warmup     sending before measuring
 * @param duration   measuring
 * @param drain      at most this long after sending stopped, waiting for the last acks and events
 * @param patch      true: broadcasts carry a small merge patch besides the stamped data
 * @param jwtSecret  the HS256 secret to mint player tokens with; empty: connect as guests
 */
record LoadOptions(URI url, String mode, int clients, int rooms, boolean everyRoom, int publishers, int rate,
                   Duration warmup, Duration duration, Duration drain, boolean patch, Optional<String> jwtSecret) {

    static final int MAX_CLIENTS = 2000;
    static final int MAX_SECONDS = 120;
    static final int MAX_WARMUP_SECONDS = 30;
    /** The server's default per-connection limit is 50 requests a second; stay well under it. */
    static final int MAX_RATE_PER_PUBLISHER = 40;

    static final String USAGE = """
            Usage: LoadGenerator [--url ws://127.0.0.1:8080] [--mode broadcast|ping] [--clients 50]
                                 [--rooms 5] [--subscribe all|one] [--publishers N] [--rate 200]
                                 [--warmup 5s] [--duration 20s] [--drain 15s] [--patch true|false]
                                 [--jwt-secret SECRET | --jwt-secret-file FILE]
              Without a JWT secret the clients are guests: the server then needs
              GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST=true for --mode broadcast.
              --publishers defaults to a fifth of the clients (at least 1, at least rate/40).
            """;

    /** True for the ping mode. */
    boolean pingOnly() {
        return mode.equals("ping");
    }

    /** Parses and checks {@code args}. */
    static LoadOptions parse(String[] args) {
        URI url = URI.create("ws://127.0.0.1:8080");
        String mode = "broadcast";
        int clients = 50;
        int rooms = 5;
        boolean everyRoom = true;
        int publishers = 0;
        int rate = 200;
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(20);
        Duration drain = Duration.ofSeconds(15);
        boolean patch = true;
        Optional<String> secret = Optional.empty();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[i + 1];
            switch (name) {
                case "--url" -> url = URI.create(value);
                case "--mode" -> mode = oneOf(name, value, "broadcast", "ping");
                case "--clients" -> clients = bounded(name, value, 1, MAX_CLIENTS);
                case "--rooms" -> rooms = bounded(name, value, 1, 64);
                case "--subscribe" -> everyRoom = oneOf(name, value, "all", "one").equals("all");
                case "--publishers" -> publishers = bounded(name, value, 1, MAX_CLIENTS);
                case "--rate" -> rate = bounded(name, value, 1, 20_000);
                case "--warmup" -> warmup = seconds(name, value, 0, MAX_WARMUP_SECONDS);
                case "--duration" -> duration = seconds(name, value, 1, MAX_SECONDS);
                case "--drain" -> drain = seconds(name, value, 1, MAX_SECONDS);
                case "--patch" -> patch = Boolean.parseBoolean(oneOf(name, value, "true", "false"));
                case "--jwt-secret" -> secret = Optional.of(value);
                case "--jwt-secret-file" -> secret = Optional.of(readSecret(value));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        requireLoopback(url);
        if (publishers == 0) {
            publishers = Math.max(Math.max(1, clients / 5), ceilDiv(rate, MAX_RATE_PER_PUBLISHER));
        }
        if (publishers > clients) {
            throw new IllegalArgumentException("--publishers " + publishers + " is more than --clients " + clients);
        }
        if (ceilDiv(rate, publishers) > MAX_RATE_PER_PUBLISHER) {
            throw new IllegalArgumentException("--rate " + rate + " over " + publishers + " publishers passes "
                    + MAX_RATE_PER_PUBLISHER + "/s each, near the server's per-connection limit; add publishers");
        }
        return new LoadOptions(url, mode, clients, rooms, everyRoom, publishers, rate, warmup, duration, drain, patch, secret);
    }

    private static void requireLoopback(URI url) {
        String host = url.getHost();
        boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.")
                || host.equals("[::1]") || host.equals("::1"));
        if (!loopback || !"ws".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be ws:// on the loopback (127.x, localhost, [::1]): " + url);
        }
    }

    private static String oneOf(String name, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ": " + value);
    }

    private static int bounded(String name, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + value);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
        }
        return n;
    }

    private static Duration seconds(String name, String value, int min, int max) {
        String digits = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
        return Duration.ofSeconds(bounded(name, digits, min, max));
    }

    private static String readSecret(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --jwt-secret-file " + file + ": " + e.getMessage());
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "mode=" + mode + " clients=" + clients + " rooms=" + rooms + " subscribe=" + (everyRoom ? "all" : "one")
                + " publishers=" + publishers + " rate=" + rate + "/s warmup=" + warmup.toSeconds() + "s duration="
                + duration.toSeconds() + "s patch=" + patch + " as=" + (jwtSecret.isPresent() ? "players" : "guests");
    }
}

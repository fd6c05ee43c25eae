package dev.gamestate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Netty load generator's settings, read from {@code --name value} arguments and bounded so that
 * a run stays on the loopback and stops by itself.
 *
 * <p>Clients are laid out by room: every room gets {@code subscribersPerRoom} clients that only
 * receive, and the {@code publishers} are spread over the rooms round-robin (a publisher subscribes to
 * its room too, since gamestate lets only subscribers broadcast). Each client holds one room.
 *
 * @param url                the WebSocket URL, {@code ws://127.0.0.1:8080/core/game/v1/real-time/public}
 * @param rooms              rooms
 * @param subscribersPerRoom receiving-only clients per room
 * @param publishers         publishing clients, spread over the rooms
 * @param rate               broadcasts a second, all publishers together (open loop); 0 with a window
 * @param window             closed loop instead: each publisher keeps this many broadcasts unanswered
 * @param warmup             publishing before measuring
 * @param duration           measuring
 * @param drain              at most this long after publishing stopped, for the last acks and events
 * @param setupTimeout       at most this long for every client to connect and subscribe
 * @param connectConcurrency at most this many connections between TCP connect and handshake answer
 * @param sourceAddresses    clients bind 127.0.0.1 to 127.0.0.N in turn (ephemeral ports per address)
 * @param threads            event loop threads
 * @param holdOnStdin        with no publishers: after setup print {@code ready} and stay connected until
 *                           standard input closes (at most {@code duration})
 * @param roomPrefix         room names are this prefix plus the room's index
 * @param compression        offer permessage-deflate (and inflate what comes compressed)
 */
record NettyLoadOptions(URI url, int rooms, int subscribersPerRoom, int publishers, int rate, int window,
                        Duration warmup, Duration duration, Duration drain, Duration setupTimeout,
                        int connectConcurrency, int sourceAddresses, int threads, boolean holdOnStdin,
                        String roomPrefix, boolean compression) {

    static final int MAX_CLIENTS = 60_000;
    static final int MAX_SECONDS = 600;

    static final String USAGE = """
            Usage: NettyLoad --url ws://127.0.0.1:PORT/core/game/v1/real-time/public
                             [--rooms 1] [--subscribers-per-room 10] [--publishers 1]
                             [--rate 500 | --window 32] [--warmup 3s] [--duration 10s] [--drain 10s]
                             [--setup-timeout 120s] [--connect-concurrency 500] [--source-addresses 8]
                             [--threads CORES] [--hold stdin|none] [--room-prefix PREFIX]
                             [--compression on|off]
              --rate is broadcasts a second over all publishers, open loop; --window K makes each
              publisher send as fast as acks allow with K unanswered. With --publishers 0 the run
              only connects and subscribes; --hold stdin then keeps the clients connected until
              standard input closes (at most --duration).
            """;

    /** All clients: receivers plus publishers. */
    int clients() {
        return rooms * subscribersPerRoom + publishers;
    }

    /** The room of client {@code index}: publishers come first, round-robin, then the receivers. */
    int roomOf(int index) {
        return index < publishers ? index % rooms : (index - publishers) % rooms;
    }

    /** Room {@code index}'s name. */
    String roomName(int index) {
        return roomPrefix + index;
    }

    /** Parses and checks {@code args}. */
    static NettyLoadOptions parse(String[] args) {
        URI url = null;
        int rooms = 1;
        int subscribers = 10;
        int publishers = 1;
        int rate = 0;
        int window = 0;
        Duration warmup = Duration.ofSeconds(3);
        Duration duration = Duration.ofSeconds(10);
        Duration drain = Duration.ofSeconds(10);
        Duration setup = Duration.ofSeconds(120);
        boolean compression = false;
        int concurrency = 500;
        int sources = 8;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean hold = false;
        String prefix = "b" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-r";
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[i + 1];
            switch (name) {
                case "--url" -> url = URI.create(value);
                case "--rooms" -> rooms = bounded(name, value, 1, MAX_CLIENTS);
                case "--subscribers-per-room" -> subscribers = bounded(name, value, 0, MAX_CLIENTS);
                case "--publishers" -> publishers = bounded(name, value, 0, MAX_CLIENTS);
                case "--rate" -> rate = bounded(name, value, 1, 10_000_000);
                case "--window" -> window = bounded(name, value, 1, 100_000);
                case "--warmup" -> warmup = seconds(name, value, 0);
                case "--duration" -> duration = seconds(name, value, 1);
                case "--drain" -> drain = seconds(name, value, 1);
                case "--setup-timeout" -> setup = seconds(name, value, 1);
                case "--connect-concurrency" -> concurrency = bounded(name, value, 1, MAX_CLIENTS);
                case "--source-addresses" -> sources = bounded(name, value, 1, 254);
                case "--threads" -> threads = bounded(name, value, 1, 64);
                case "--hold" -> hold = "stdin".equals(oneOf(name, value, "stdin", "none"));
                case "--room-prefix" -> prefix = value;
                case "--compression" -> compression = "on".equals(oneOf(name, value, "on", "off"));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        requireLoopback(url);
        if (publishers > 0 && (rate == 0) == (window == 0)) {
            throw new IllegalArgumentException("with publishers give exactly one of --rate and --window");
        }
        if (hold && publishers > 0) {
            throw new IllegalArgumentException("--hold stdin is for runs without publishers");
        }
        var options = new NettyLoadOptions(url, rooms, subscribers, publishers, rate, window, warmup, duration,
                drain, setup, concurrency, sources, threads, hold, prefix, compression);
        if (options.clients() < 1 || options.clients() > MAX_CLIENTS) {
            throw new IllegalArgumentException("clients (rooms × subscribers + publishers) must be 1 to "
                    + MAX_CLIENTS + ": " + options.clients());
        }
        return options;
    }

    private static String oneOf(String name, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ": " + value);
    }

        private static void requireLoopback(URI url) {
        String host = url.getHost();
        if (!"ws".equals(url.getScheme()) || host == null || !(host.startsWith("127.") || host.equals("localhost"))) {
            throw new IllegalArgumentException("--url must be ws:// on the loopback (127.x, localhost): " + url);
        }
    }

    private static int bounded(String name, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + value);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
        }
        return n;
    }

    private static Duration seconds(String name, String value, int min) {
        String digits = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
        return Duration.ofSeconds(bounded(name, digits, min, MAX_SECONDS));
    }
}

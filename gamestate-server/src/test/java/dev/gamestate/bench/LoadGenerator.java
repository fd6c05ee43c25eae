package dev.gamestate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator for a running server on this machine: N WebSocket clients subscribe to R rooms,
 * some of them broadcast at a fixed total rate (open loop: a late ack never delays the next send), and
 * it reports ack latency, fan-out latency, delivered events a second, errors by code, and whether every
 * client saw every room's seqs in order with none missing. Exit status: 0 clean, 1 when any client saw a
 * gap or a duplicate, 2 when the run could not be set up, 3 when a client still had not seen an acked
 * event when the drain time ran out (lost, or the server is that far behind). Options: see
 * {@link LoadOptions#USAGE}; docs/benchmarks.md has the command lines.
 */
public final class LoadGenerator {

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int CONNECTS_AT_ONCE = 64;

    private final LoadOptions options;
    private final ObjectMapper mapper = new ObjectMapper();
    private final LoadStats stats = new LoadStats();
    private final LoadWindow window = new LoadWindow();
    private final Map<String, Long> ackedSeqs = new ConcurrentHashMap<>();
    private final List<String> rooms = new ArrayList<>();
    private final Map<String, Integer> subscribers = new HashMap<>();

    private LoadGenerator(LoadOptions options) {
        this.options = options;
        // Fresh rooms each run: seqs start at 1 and no earlier run's events are in the way.
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        for (int r = 0; r < options.rooms(); r++) {
            rooms.add("load-" + run + "-" + r);
        }
    }

    /** Runs one load run with {@code args} (see {@link LoadOptions#USAGE}) and exits with its status. */
    public static void main(String[] args) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new LoadGenerator(options).run();
        } catch (SetupFailed e) {
            System.err.println("load: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private int run() {
        System.out.println("load: " + options);
        HttpClient http = HttpClient.newHttpClient();
        List<LoadClient> clients = connect(http);
        if (!options.pingOnly()) {
            subscribe(clients);
        }
        List<LoadClient> publishers = clients.subList(0, options.publishers());
        long measuredFrom = drive(publishers);
        long measuredNanos = System.nanoTime() - measuredFrom;
        boolean drained = drain(clients);
        Map<String, Long> closes = stats.closes();
        long behind = clients.stream().mapToLong(LoadClient::behind).sum();
        long closedClients = clients.stream().filter(LoadClient::isClosed).count();
        clients.forEach(LoadClient::close);
        report(measuredNanos, drained, closes, behind, closedClients);
        if (stats.gaps.sum() + stats.duplicates.sum() > 0) {
            return 1;
        }
        return behind > 0 ? 3 : 0;
    }

    private List<LoadClient> connect(HttpClient http) {
        String path = options.jwtSecret().isPresent() ? "/core/game/v1/real-time/private" : "/core/game/v1/real-time/public";
        URI uri = options.url().resolve(path);
        Optional<Secret> secret = options.jwtSecret().map(Secret::new);
        List<LoadClient> clients = new ArrayList<>();
        List<CompletableFuture<Void>> welcomes = new ArrayList<>();
        Semaphore slots = new Semaphore(CONNECTS_AT_ONCE);
        long start = System.nanoTime();
        for (int i = 0; i < options.clients(); i++) {
            String userId = "load-" + i;
            LoadClient client = new LoadClient(i, mapper, stats, window, ackedSeqs);
            Optional<String> token = secret.map(s -> DevTokens.mint(s, userId, Duration.ofHours(1), Clock.systemUTC()));
            slots.acquireUninterruptibly();
            CompletableFuture<Void> welcomed = client.connect(http, uri, token);
            welcomed.whenComplete((v, e) -> slots.release());
            clients.add(client);
            welcomes.add(welcomed);
        }
        int connected = await(welcomes, "connect");
        System.out.printf("load: connected %d/%d in %d ms%n", connected, options.clients(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        if (connected < options.clients()) {
            throw new SetupFailed("only " + connected + " of " + options.clients() + " clients connected; errors "
                    + stats.errors() + ", closes " + stats.closes());
        }
        return clients;
    }

    private void subscribe(List<LoadClient> clients) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            for (String room : roomsOf(i)) {
                acks.add(clients.get(i).subscribe(room));
                subscribers.merge(room, 1, Integer::sum);
            }
        }
        int subscribed = await(acks, "subscribe");
        System.out.printf("load: %d/%d subscriptions%n", subscribed, acks.size());
        if (subscribed < acks.size()) {
            throw new SetupFailed("only " + subscribed + " of " + acks.size() + " subscriptions were acked; errors "
                    + stats.errors());
        }
    }

    private List<String> roomsOf(int client) {
        return options.everyRoom() ? rooms : List.of(rooms.get(client % rooms.size()));
    }

    /** Sends at the target rate through warm-up and measurement; returns when measuring began. */
    private long drive(List<LoadClient> publishers) {
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
        long start = System.nanoTime();
        long from = start + options.warmup().toNanos();
        long until = from + options.duration().toNanos();
        window.set(from, until);
        for (long k = 0; ; k++) {
            long due = start + k * interval;
            if (due >= until) {
                break;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int p = (int) (k % publishers.size());
            LoadClient publisher = publishers.get(p);
            if (options.pingOnly()) {
                publisher.ping();
            } else {
                List<String> own = roomsOf(p);
                publisher.broadcast(own.get(ThreadLocalRandom.current().nextInt(own.size())), options.patch());
            }
        }
        return from;
    }

    /** Waits for the last acks and for every client to catch up with every acked seq. */
    private boolean drain(List<LoadClient> clients) {
        long deadline = System.nanoTime() + options.drain().toNanos();
        while (System.nanoTime() < deadline) {
            boolean settled = clients.stream().allMatch(c -> c.isClosed() || (c.inFlight() == 0 && c.behind() == 0));
            if (settled) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return false;
    }

    private void report(long measuredNanos, boolean drained, Map<String, Long> closes, long behind,
                        long closedClients) {
        double seconds = measuredNanos / 1e9;
        long sent = stats.sent.sum();
        long answered = stats.ack.getTotalCount();
        long delivered = stats.delivered.sum();
        // Each acked broadcast should reach every subscriber of its room, its sender included.
        long expected = 0;
        for (Map.Entry<String, Long> room : stats.ackedByRoom().entrySet()) {
            expected += room.getValue() * subscribers.getOrDefault(room.getKey(), 0);
        }
        System.out.printf("load: measured %.1f s; sent %d (%.1f/s), acked %d, answered %d%s%n", seconds, sent,
                sent / seconds, stats.acked.sum(), answered, drained ? "" : " (drain timed out)");
        System.out.println("load: ack latency      " + LoadStats.describe(stats.ack));
        if (!options.pingOnly()) {
            System.out.println("load: fan-out latency  " + LoadStats.describe(stats.fanOut));
            System.out.printf("load: delivered %d events (%.0f/s), expected %d%n", delivered, delivered / seconds,
                    expected);
            System.out.printf("load: order: gaps %d, duplicates %d, not caught up %d, before ack %d, snapshots %d%n",
                    stats.gaps.sum(), stats.duplicates.sum(), behind, stats.early.sum(), stats.snapshots.sum());
        }
        System.out.println("load: errors " + stats.errors() + "; closes the clients saw " + closes
                + "; clients closed " + closedClients);
        // Columns: mode clients rooms rate sent/s, ack p50 p90 p99 max, fan-out p50 p90 p99 max (ms),
        // delivered/s, errors, gaps + duplicates, events not caught up.
        System.out.println("result\t" + String.join("\t", options.mode(), Integer.toString(options.clients()),
                Integer.toString(options.rooms()), Integer.toString(options.rate()), String.format("%.1f", sent / seconds),
                LoadStats.figures(stats.ack), LoadStats.figures(stats.fanOut), String.format("%.0f", delivered / seconds),
                Long.toString(stats.errors().values().stream().mapToLong(Long::longValue).sum()),
                Long.toString(stats.gaps.sum() + stats.duplicates.sum()), Long.toString(behind)));
    }

    /** Waits for all {@code futures} up to the setup timeout; returns how many succeeded. */
    private static int await(List<? extends CompletableFuture<?>> futures, String what) {
        long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
        int ok = 0;
        for (CompletableFuture<?> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ok++;
            } catch (ExecutionException | TimeoutException e) {
                // counted as failed; the cause is in the error counts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SetupFailed(what + " interrupted");
            }
        }
        return ok;
    }

    /** The run could not start: too few clients connected or subscribed. */
    private static final class SetupFailed extends RuntimeException {
        SetupFailed(String message) {
            super(message);
        }
    }
}

package dev.gamestate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket load generator on Netty, for gamestate and for the bare-Netty {@link CeilingServer}:
 * connects the clients (bounded concurrency, spread over loopback source addresses), subscribes
 * each to its room, publishes for a warm-up and a measured window, waits until every subscriber has
 * seen its room's last acked seq (bounded by {@code --drain}), and reports rates, latencies and the
 * delivery check ({@link NettyLoadReport}). See {@link NettyLoadOptions#USAGE} for the options.
 *
 * <p>Exit status: 0 clean, 1 a gap, duplicate, reordering, a subscriber left behind or a broadcast
 * never answered, 2 bad options or no client could subscribe.
 */
public final class NettyLoad {

    private static final long DRAIN_POLL_MILLIS = 50;

    private NettyLoad() {
    }

    /** Runs one load run with the given options and exits with its status. */
    public static void main(String[] args) throws Exception {
        NettyLoadOptions options;
        try {
            options = NettyLoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("NettyLoad: " + e.getMessage());
            System.err.print(NettyLoadOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out));
    }

    /** One run; returns the exit status. */
    static int run(NettyLoadOptions o, PrintStream out) throws InterruptedException {
        try (NettyLoadConnector connector = new NettyLoadConnector(o)) {
            NettyLoadState state = new NettyLoadState(o, connector.group());
            out.printf("connecting %d clients to %s: %d rooms × %d subscribers, %d publishers%n",
                    o.clients(), o.url(), o.rooms(), o.subscribersPerRoom(), o.publishers());
            long start = System.nanoTime();
            long deadline = state.setupDeadline();
            boolean opened = connector.openAll(state, deadline);
            boolean settled = opened && state.settled.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            long setupMillis = (System.nanoTime() - start) / 1_000_000;
            if (!settled) {
                out.printf("setup ran out of time after %d ms; %d clients never answered%n",
                        setupMillis, state.settled.getCount());
            }
            long window = 0;
            if (o.publishers() > 0) {
                window = publish(state, connector, out);
            } else if (o.holdOnStdin()) {
                out.println("ready: clients subscribed, holding until standard input closes");
                out.flush();
                awaitStdinClosed(o.duration());
            }
            NettyLoadLane.Progress progress = awaitDrained(state, o.publishers() > 0 ? o.drain() : Duration.ZERO);
            NettyLoadTally total = new NettyLoadTally();
            for (NettyLoadLane lane : state.lanes()) {
                total.add(lane.snapshot());
            }
            state.closing(true);
            NettyLoadReport report = new NettyLoadReport(o.clients(), setupMillis, window, total, progress.behind(),
                    progress.missingAtEnd(), progress.unanswered());
            report.print(out);
            if (total.subscribed == 0) {
                return 2;
            }
            return report.clean() ? 0 : 1;
        }
    }

    /** Warm-up, then the measured window; returns the window's length in nanoseconds. */
    private static long publish(NettyLoadState state, NettyLoadConnector connector, PrintStream out)
            throws InterruptedException {
        NettyLoadOptions o = state.options();
        out.printf("publishing: %s, warm-up %d s, measuring %d s%n",
                o.window() > 0 ? "window " + o.window() + " per publisher" : o.rate() + " broadcasts/s in all",
                o.warmup().toSeconds(), o.duration().toSeconds());
        state.publishing(true);
        connector.connections().forEach(NettyLoadConnection::startPublishing);
        Thread.sleep(o.warmup());
        state.openWindow();
        Thread.sleep(o.duration());
        long window = state.closeWindow();
        state.publishing(false);
        return window;
    }

    /**
     * Waits until every subscriber saw its room's last acked seq and every broadcast was answered,
     * or {@code limit} passed; returns where things stood.
     */
    private static NettyLoadLane.Progress awaitDrained(NettyLoadState state, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            int behind = 0;
            long unanswered = 0;
            long missing = 0;
            for (NettyLoadLane lane : state.lanes()) {
                NettyLoadLane.Progress p = lane.progress();
                behind += p.behind();
                unanswered += p.unanswered();
                missing += p.missingAtEnd();
            }
            boolean drained = behind == 0 && unanswered == 0;
            if (drained || System.nanoTime() >= deadline) {
                return new NettyLoadLane.Progress(behind, unanswered, missing);
            }
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
    }

    private static void awaitStdinClosed(Duration limit) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon().name("stdin-watch").start(() -> {
            try (InputStream in = System.in) {
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // only the end of the stream matters
                }
            } catch (IOException e) {
                // a broken stdin counts as closed
            }
            closed.countDown();
        });
        if (!closed.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            reader.interrupt();
        }
    }
}

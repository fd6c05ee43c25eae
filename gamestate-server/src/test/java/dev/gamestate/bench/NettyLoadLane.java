package dev.gamestate.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One event loop's share of a load run: the connections bound to that loop and the tally they
 * write, and one frame scanner. Only the loop touches them; other threads ask through {@link #snapshot()} and
 * {@link #progress()}, which run on the loop.
 */
final class NettyLoadLane {

    /** Where a lane's subscribers and publishers stand, for the drain to wait on. */
    record Progress(int behind, long unanswered, long missingAtEnd) {
    }

    private final EventExecutor loop;
    private final NettyLoadTally tally = new NettyLoadTally();
    private final FrameScanner scanner = new FrameScanner();
    private final List<NettyLoadConnection> connections = new ArrayList<>();

    NettyLoadLane(EventExecutor loop) {
        this.loop = loop;
    }

    /** The tally; only for code running on this lane's loop. */
    NettyLoadTally tally() {
        return tally;
    }

    /** The frame scanner the lane's connections share; only for code running on the loop. */
    FrameScanner scanner() {
        return scanner;
    }

    /** Adds a connection; call on the loop. */
    void add(NettyLoadConnection connection) {
        connections.add(connection);
    }

    /** A copy of the tally, taken on the loop. */
    NettyLoadTally snapshot() {
        return onLoop(() -> tally.copy());
    }

    /** How many subscribers have not seen their room's last acked seq, and the broadcasts unanswered. */
    Progress progress() {
        return onLoop(() -> {
            int behind = 0;
            long unanswered = 0;
            long missing = 0;
            for (NettyLoadConnection c : connections) {
                long shortBy = c.behindBy();
                if (shortBy > 0) {
                    behind++;
                    missing += shortBy;
                }
                unanswered += c.unanswered();
            }
            return new Progress(behind, unanswered, missing);
        });
    }

    private <T> T onLoop(Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("event loop did not answer: " + e, e);
        }
    }
}

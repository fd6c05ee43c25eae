package dev.gamestate.state;

import dev.gamestate.config.GameConfig;
import java.util.concurrent.Executor;

/**
 * Many etcd watches carried over one gRPC Watch stream per node, so a node can watch each room it
 * has subscribers in without a stream per room.
 *
 * <p>When the stream fails (a member down, a lost leader) it is reopened with jittered backoff, on
 * the next configured endpoint, and every live watch is created again at its own resume point: the
 * last revision it received, inclusive, or one past its last progress notification. Puts already
 * delivered are dropped by (revision, key), so a listener sees each key write once.
 */
public interface SharedWatchStream extends AutoCloseable {

    /**
     * Opens a stream on {@code config}'s endpoints (connecting lazily). Listeners run on
     * {@code delivery}, which must run tasks one at a time in submission order (the node's
     * {@link SerialExecutor}); it may make the gRPC thread wait when full, which holds etcd back.
     */
    static SharedWatchStream create(GameConfig.Etcd config, Executor delivery) {
        return new GrpcSharedWatchStream(EtcdChannels.create(config), delivery, fault -> { });
    }

    /**
     * As {@link #create(GameConfig.Etcd, Executor)}, counting each failure of the stream (it ended with
     * an error, or could not be opened) in {@code faults} by its kind.
     */
    static SharedWatchStream create(GameConfig.Etcd config, Executor delivery, EtcdFaults faults) {
        return new GrpcSharedWatchStream(EtcdChannels.create(config), delivery, faults::countOnly);
    }

    /**
     * Watches the keys in [{@code key}, {@code rangeEnd}) ({@code key} alone when {@code rangeEnd} is
     * empty) from {@code startRevision}, inclusive. 0 means from whenever etcd creates the watch, which
     * is later than this call if the stream is down: pass a revision to miss nothing. Deletes are not
     * delivered.
     */
    Watch watch(String key, String rangeEnd, long startRevision, WatchListener listener);

    /** Watches every key starting with {@code prefix}, as {@link #watch} does a range. */
    Watch watchPrefix(String prefix, long startRevision, WatchListener listener);

    /**
     * Watches every key starting with {@code prefix} as {@link #watchPrefix} does, deletes included
     * (a key deleted, or gone with its lease): for keys whose absence means something.
     */
    Watch watchPrefixChanges(String prefix, long startRevision, ChangeListener listener);

    /** Watches neither cancelled nor ended by etcd, whether created on etcd yet or waiting to be. */
    int liveWatches();

    /**
     * Puts (and deletes, for watches of changes) received from etcd since start, duplicates after a
     * reconnect included.
     */
    long putsReceived();

    /** Streams started, the first included; one etcd then refused (no leader, say) counts too. */
    long streamsStarted();

    /** Cancels every watch and closes the stream and its channels. */
    @Override
    void close();

    /** One watch on the shared stream. */
    interface Watch {

        /** Stops delivery; the listener may still be running a call that had begun. Idempotent. */
        void cancel();

        /** The revision this watch would be created at again after a reconnect. */
        long resumeRevision();
    }
}

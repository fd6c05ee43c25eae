package dev.gamestate.rooms;

import dev.gamestate.state.ChangeListener;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.WatchEnd;
import dev.gamestate.state.WatchListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A real {@link SharedWatchStream} whose watches a test can end as etcd would (say, compacted), one at
 * a time: the real watch is cancelled and its listener told, on the delivery executor, as the stream
 * does. Everything else goes to the real stream.
 */
final class EndableWatchStream implements SharedWatchStream {

    private record Live(SharedWatchStream.Watch watch, Consumer<WatchEnd> listener) {
    }

    private final SharedWatchStream real;
    private final Executor delivery;
    private final Map<String, Live> byKey = new ConcurrentHashMap<>();

    EndableWatchStream(SharedWatchStream real, Executor delivery) {
        this.real = real;
        this.delivery = delivery;
    }

    /** Ends the live watch of {@code key} (a prefix for prefix watches) with {@code end}. */
    void end(String key, WatchEnd end) {
        Live live = byKey.remove(key);
        if (live == null) {
            throw new AssertionError("no live watch of " + key + " (live: " + byKey.keySet() + ")");
        }
        live.watch().cancel();
        delivery.execute(() -> live.listener().accept(end));
    }

    /** True while a watch of {@code key} is live. */
    boolean watching(String key) {
        return byKey.containsKey(key);
    }

    @Override
    public Watch watch(String key, String rangeEnd, long startRevision, WatchListener listener) {
        return track(key, real.watch(key, rangeEnd, startRevision, listener), listener::onEnd);
    }

    @Override
    public Watch watchPrefix(String prefix, long startRevision, WatchListener listener) {
        return track(prefix, real.watchPrefix(prefix, startRevision, listener), listener::onEnd);
    }

    @Override
    public Watch watchPrefixChanges(String prefix, long startRevision, ChangeListener listener) {
        return track(prefix, real.watchPrefixChanges(prefix, startRevision, listener), listener::onEnd);
    }

    private Watch track(String key, Watch watch, Consumer<WatchEnd> listener) {
        Live live = new Live(watch, listener);
        byKey.put(key, live);
        return new Watch() {
            @Override
            public void cancel() {
                byKey.remove(key, live);
                watch.cancel();
            }

            @Override
            public long resumeRevision() {
                return watch.resumeRevision();
            }
        };
    }

    @Override
    public int liveWatches() {
        return real.liveWatches();
    }

    @Override
    public long putsReceived() {
        return real.putsReceived();
    }

    @Override
    public long streamsStarted() {
        return real.streamsStarted();
    }

    @Override
    public void close() {
        real.close();
    }
}

package dev.gamestate.state;

import dev.gamestate.testing.HttpProbe;
import java.net.URI;

/** Reads one gauge from an etcd member's Prometheus endpoint, {@code <client url>/metrics}. */
final class EtcdMetrics {

    /** Watch streams the member serves. */
    static final String WATCH_STREAMS = "etcd_debugging_mvcc_watch_stream_total";
    /** Watchers on those streams. */
    static final String WATCHERS = "etcd_debugging_mvcc_watcher_total";

    private EtcdMetrics() {
    }

    /** The value of the unlabelled metric {@code name} at the member behind {@code endpoint}. */
    static long read(String endpoint, String name) {
        String body = HttpProbe.get(URI.create(endpoint + "/metrics")).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " at " + endpoint);
    }
}

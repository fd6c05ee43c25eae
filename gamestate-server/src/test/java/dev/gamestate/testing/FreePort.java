package dev.gamestate.testing;

/** Free loopback ports for servers a test configures with a fixed port (a child JVM). */
public final class FreePort {

    private FreePort() {
    }

    /** A loopback port that was free a moment ago. */
    public static int pick() {
        return EtcdCluster.freeLoopbackPorts(1)[0];
    }
}

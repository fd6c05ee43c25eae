package dev.gamestate.faults;

import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.ChildJvm;
import dev.gamestate.testing.FreePort;
import dev.gamestate.testing.HttpProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gamestate node in a child JVM, so that a test can do to it what happens to real servers: kill it
 * with SIGKILL, freeze it with SIGSTOP, stop it with SIGTERM. Every signal goes to this child's own
 * pid; {@link #close()} kills it whatever state it is in.
 */
final class ChildNode implements AutoCloseable {

    /** Start-up of a JVM on a busy two-core machine. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    /** Small heap and serial GC: several nodes share two cores. */
    private static final String JVM_OPTIONS = "-Xmx256m -XX:+UseSerialGC";

    private final String nodeId;
    private final int port;
    private final ChildJvm jvm;

    private ChildNode(String nodeId, int port, ChildJvm jvm) {
        this.nodeId = nodeId;
        this.port = port;
        this.jvm = jvm;
    }

    /**
     * Starts {@code Main} with {@code env} (a {@code TestNode.baseEnv}, shared with the cluster's other
     * nodes) as node {@code nodeId} on a free port, and waits until {@code /readyz} answers 200.
     */
    static ChildNode start(Map<String, String> env, String nodeId) {
        int port = FreePort.pick();
        Map<String, String> own = new HashMap<>(env);
        own.put("GAMESTATE_SERVER_PORT", Integer.toString(port));
        own.put("GAMESTATE_SERVER_NODE_ID", nodeId);
        own.put("JDK_JAVA_OPTIONS", JVM_OPTIONS);
        ChildNode node = new ChildNode(nodeId, port, ChildJvm.start(own));
        try {
            await("node " + nodeId + " ready").atMost(START_LIMIT)
                    .failFast("node " + nodeId + " exited:\n" + node.log(), () -> !node.jvm.process().isAlive())
                    .until(() -> HttpProbe.tryGet(node.http("/readyz"), Map.of())
                            .map(HttpProbe.Answer::status).orElse(0) == 200);
            return node;
        } catch (RuntimeException | AssertionError e) {
            node.close();
            throw e;
        }
    }

    String nodeId() {
        return nodeId;
    }

    /** The private WebSocket endpoint. */
    URI privateWs() {
        return URI.create("ws://127.0.0.1:" + port + "/core/game/v1/real-time/private");
    }

    /** An HTTP URI on this node. */
    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The child's operating-system pid. */
    long pid() {
        return jvm.process().pid();
    }

    /** Freezes the JVM (SIGSTOP): its sockets stay open, it answers nothing. */
    void pause() {
        signal("STOP");
    }

    /** Lets a paused JVM run again (SIGCONT). */
    void resume() {
        signal("CONT");
    }

    /** SIGKILL, as a crash: no shutdown hook runs, nothing is released. */
    void crash() {
        jvm.process().destroyForcibly();
        awaitGone(Duration.ofSeconds(10));
    }

    /** SIGTERM, as an orderly stop, and waits up to {@code limit} for the JVM to exit. */
    void terminate(Duration limit) {
        jvm.process().destroy();
        awaitGone(limit);
    }

    boolean isAlive() {
        return jvm.process().isAlive();
    }

    /** What the child logged so far, for failure messages. */
    String log() {
        return "--- " + nodeId + " stdout ---\n" + tail(jvm.stdout()) + "\n--- " + nodeId + " stderr ---\n"
                + tail(jvm.stderr());
    }

    private static String tail(String text) {
        return text.length() <= 8000 ? text : "..." + text.substring(text.length() - 8000);
    }

    private void awaitGone(Duration limit) {
        try {
            if (!jvm.process().waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node " + nodeId + " still running after " + limit + "\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for node " + nodeId, e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted sending SIG" + signal, e);
        }
    }

    /** Kills the child (SIGKILL works on a stopped process too) and removes its output files. */
    @Override
    public void close() {
        jvm.close();
    }
}

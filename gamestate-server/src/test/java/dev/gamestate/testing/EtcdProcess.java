package dev.gamestate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real etcd member process for tests, listening on loopback ports.
 *
 * <p>A member belongs to a cluster whose peer URLs are all known before any member starts, so a
 * stopped or killed member can be {@linkplain #restart() restarted} on the same ports and data
 * directory and rejoin. Most tests want {@link EtcdCluster} or {@link EtcdExtension} rather than
 * this class directly; {@link #startSingle()} gives a standalone one-member cluster.
 *
 * <p>The etcd binary is taken from the environment variable {@code GAMESTATE_TEST_ETCD_BIN}, else
 * {@code etcd} on the {@code PATH}, else {@code /usr/bin/etcd}. Its output goes to {@link #logFile()}.
 */
public final class EtcdProcess implements AutoCloseable {

    /** How long a start or restart may take before the member is declared unhealthy. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int LOG_TAIL_LINES = 40;

    /** Every live etcd this JVM started, killed by a shutdown hook should a test forget one. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "etcd-reaper"));
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final String initialCluster;
    private final String clusterToken;
    private final Path dataDir;
    private final Path logFile;
    private final long quotaBytes;
    private Path ownedDirectory;

    private Process process;
    private boolean everStarted;
    private boolean paused;

    /**
     * Describes a member; nothing runs until {@link #start()}.
     *
     * @param name           the member name, unique in its cluster
     * @param clientPort     loopback port for clients
     * @param peerPort       loopback port for the other members
     * @param initialCluster the {@code --initial-cluster} value naming every member
     * @param clusterToken   the {@code --initial-cluster-token}, unique per cluster
     * @param workDir        directory holding this member's data directory and log file
     * @param quotaBytes     the {@code --quota-backend-bytes}
     */
    EtcdProcess(String name, int clientPort, int peerPort, String initialCluster, String clusterToken, Path workDir,
                long quotaBytes) {
        this.name = Objects.requireNonNull(name);
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.initialCluster = Objects.requireNonNull(initialCluster);
        this.clusterToken = Objects.requireNonNull(clusterToken);
        this.dataDir = workDir.resolve(name + ".etcd");
        this.logFile = workDir.resolve(name + ".log");
        this.quotaBytes = quotaBytes;
    }

    /**
     * Starts a standalone one-member etcd in a fresh temporary directory and waits until it is healthy.
     * {@link #close()} stops it and deletes the directory.
     *
     * @return the running member
     */
    public static EtcdProcess startSingle() {
        return EtcdCluster.start(1).detachSingleMember();
    }

    /** Makes {@link #close()} delete {@code directory} after stopping the process. */
    synchronized void deleteOnClose(Path directory) {
        this.ownedDirectory = directory;
    }

    /** The peer URL this member is reached on by the other members. */
    static String peerUrl(int peerPort) {
        return "http://127.0.0.1:" + peerPort;
    }

    /** {@return the member name} */
    public String name() {
        return name;
    }

    /** {@return the client URL, {@code http://127.0.0.1:PORT}} */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** {@return the client port} */
    public int clientPort() {
        return clientPort;
    }

    /** {@return the peer port} */
    public int peerPort() {
        return peerPort;
    }

    /** {@return the member's data directory} */
    public Path dataDir() {
        return dataDir;
    }

    /** {@return the file receiving the member's output, appended to across restarts} */
    public Path logFile() {
        return logFile;
    }

    /** {@return the operating-system pid of the running process} */
    public synchronized long pid() {
        return requireProcess().pid();
    }

    /** {@return whether the process is alive (a paused process counts as alive)} */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@return whether the process was paused with {@link #pause()} and not resumed yet} */
    public synchronized boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * Starts the process without waiting for it to become healthy: the first start forms a new
     * cluster, later ones rejoin the existing one.
     */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(dataDir.getParent());
            ProcessBuilder builder = new ProcessBuilder(command(everStarted ? "existing" : "new"));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd member " + name + " with " + etcdBinary()
                    + " (install Debian's etcd-server or set GAMESTATE_TEST_ETCD_BIN)", e);
        }
        LIVE.add(process);
        everStarted = true;
        paused = false;
    }

    private List<String> command(String clusterState) {
        List<String> cmd = new ArrayList<>();
        cmd.add(etcdBinary());
        cmd.addAll(List.of(
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peerUrl(peerPort),
                "--initial-advertise-peer-urls", peerUrl(peerPort),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", clusterState,
                "--initial-cluster-token", clusterToken,
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--quota-backend-bytes", Long.toString(quotaBytes),
                "--logger", "zap",
                "--log-outputs", "stderr"));
        return cmd;
    }

    /**
     * Finds the etcd binary: {@code GAMESTATE_TEST_ETCD_BIN}, else {@code etcd} on the {@code PATH},
     * else {@code /usr/bin/etcd}.
     *
     * @return the path of the binary to run
     */
    public static String etcdBinary() {
        String configured = System.getenv("GAMESTATE_TEST_ETCD_BIN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
                return Path.of(dir, "etcd").toString();
            }
        }
        return "/usr/bin/etcd";
    }

    /**
     * Polls {@code GET /health} until it reports {@code "health":"true"}.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value after which to give up
     * @throws IllegalStateException with the log tail when the process exits or the deadline passes
     */
    void awaitHealthy(long deadlineNanos) {
        while (!isHealthy()) {
            if (!isRunning()) {
                throw new IllegalStateException(
                        "etcd member " + name + " exited during start-up; log tail:\n" + logTail(LOG_TAIL_LINES));
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IllegalStateException("etcd member " + name + " not healthy within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; log tail:\n" + logTail(LOG_TAIL_LINES));
            }
            try {
                Thread.sleep(50); // poll interval, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd member " + name, e);
            }
        }
    }

    /**
     * Asks the member once whether it is healthy, i.e. running and part of a cluster with a leader.
     *
     * @return {@code true} when {@code GET /health} answers {@code "health":"true"} within a second
     */
    public boolean isHealthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(PROBE_TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the process with SIGKILL and waits for it to be gone. Does nothing when not running. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
        paused = false;
    }

    /** Freezes the process with SIGSTOP: it keeps its ports but answers nothing until {@link #resume()}. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** Lets a {@linkplain #pause() paused} process run again with SIGCONT. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) {
        long pid = requireProcess().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal + " to " + name, e);
        }
    }

    /**
     * Starts the member again on the same ports and data directory, stopping it first if it runs,
     * and waits until it is healthy, which needs a quorum of its cluster to be up.
     */
    public synchronized void restart() {
        if (isRunning()) {
            stop();
        }
        start();
        awaitHealthy(System.nanoTime() + STARTUP_TIMEOUT.toNanos());
    }

    /** Stops the process with SIGTERM, waits up to ten seconds, then kills it. */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        terminate();
        awaitExit(STOP_TIMEOUT);
    }

    /** Sends SIGTERM (resuming first if paused, so the signal is acted on) without waiting. */
    synchronized void terminate() {
        if (!isRunning()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
    }

    /** Waits for the process to exit, killing it when it takes longer than {@code timeout}. */
    synchronized void awaitExit(Duration timeout) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!process.isAlive()) {
                LIVE.remove(process);
            }
        }
    }

    /**
     * Stops the process; a member made by {@link #startSingle()} also deletes its temporary directory.
     */
    @Override
    public synchronized void close() {
        stop();
        if (ownedDirectory != null) {
            EtcdCluster.deleteRecursively(ownedDirectory);
        }
    }

    /**
     * Reads the end of the log file, for failure messages.
     *
     * @param lines how many lines at most
     * @return the last lines of the log, or a note that it cannot be read
     */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ": " + e + ")";
        }
    }

    private Process requireProcess() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("etcd member " + name + " is not running");
        }
        return process;
    }

    /** {@return a short description for assertion messages} */
    @Override
    public String toString() {
        return "EtcdProcess" + Map.of("name", name, "endpoint", endpoint());
    }
}

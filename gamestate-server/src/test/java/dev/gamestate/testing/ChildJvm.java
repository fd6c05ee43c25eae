package dev.gamestate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real command line, {@code dev.gamestate.app.Main}, in a child JVM on the test's classpath,
 * configured only by the variables a test passes: inherited {@code GAMESTATE_*} and JVM option
 * variables are dropped so the machine's environment cannot change the outcome. Output goes to files,
 * so a chatty child never blocks on a full pipe. {@link #close()} kills it; a shutdown hook kills any
 * child a test forgot.
 */
public final class ChildJvm implements AutoCloseable {

    /** The main class every child runs. */
    public static final String MAIN = "dev.gamestate.app.Main";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final List<String> DROPPED_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS", "CLASSPATH");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "child-jvm-reaper"));
    }

    /**
     * How a child ended.
     *
     * @param exitCode its exit status
     * @param stdout   everything it printed on standard output
     * @param stderr   everything it printed on standard error
     */
    public record Outcome(int exitCode, String stdout, String stderr) {

        /** Standard output split into lines, without the empty one after the last newline. */
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        /** Standard error split into lines. */
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private final Process process;
    private final Path directory;

    private ChildJvm(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    /** Starts {@code Main} with {@code args} and the variables {@code env}. */
    public static ChildJvm start(Map<String, String> env, String... args) {
        try {
            Path directory = Files.createTempDirectory("gamestate-child-");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"),
                    MAIN));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(directory.resolve("stdout").toFile())
                    .redirectError(directory.resolve("stderr").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Map<String, String> childEnv = builder.environment();
            childEnv.keySet().removeIf(name -> name.startsWith("GAMESTATE_") || DROPPED_VARIABLES.contains(name));
            childEnv.putAll(env);
            Process process = builder.start();
            LIVE.add(process);
            return new ChildJvm(process, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM", e);
        }
    }

    /** Runs {@code Main} to its end, killing it (and failing) when it takes longer than {@code limit}. */
    public static Outcome run(Duration limit, Map<String, String> env, String... args) {
        try (ChildJvm child = start(env, args)) {
            return child.awaitExit(limit);
        }
    }

    /** The running process. */
    public Process process() {
        return process;
    }

    /** Waits up to {@code limit} for the child to exit on its own. */
    public Outcome awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child JVM still running after " + limit + "; stderr:\n" + stderr()
                        + "\nstdout:\n" + stdout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the child JVM", e);
        }
        LIVE.remove(process);
        return new Outcome(process.exitValue(), stdout(), stderr());
    }

    /** What the child printed on standard output so far. */
    public String stdout() {
        return read("stdout");
    }

    /** What the child printed on standard error so far. */
    public String stderr() {
        return read("stderr");
    }

    /** Kills the child (SIGKILL) if it still runs, waits for it, and deletes its output files. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }

    private String read(String name) {
        try {
            return Files.readString(directory.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + name + ": " + e.getMessage() + ")";
        }
    }
}

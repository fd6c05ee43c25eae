package dev.gamestate.app;

import ch.qos.logback.classic.LoggerContext;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.ConfigException;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The command line.
 * <pre>
 * gamestate [--config FILE]                          run a node
 * gamestate [--config FILE] --print-config KEY...    print resolved values, one line each
 * gamestate [--config FILE] token USER [TTL_SECONDS [ROOM,...]]
 *                                                    mint a dev HS256 JWT for USER (rooms: its rooms claim)
 * </pre>
 */
public final class Main {

    private static final int CONFIG_ERROR = 2;
    private static final int USAGE_ERROR = 64;
    private static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(24);

    private Main() {
    }

    /** Runs the command in {@code args}; exits non-zero with a one-line message on bad input. */
    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Optional<Path> configFile = Optional.empty();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                if (i + 1 >= args.length) {
                    exit(USAGE_ERROR, "--config needs a file");
                }
                configFile = Optional.of(Path.of(args[++i]));
            } else if (args[i].startsWith("--config=")) {
                configFile = Optional.of(Path.of(args[i].substring("--config=".length())));
            } else {
                rest.add(args[i]);
            }
        }
        try {
            ConfigSource source = ConfigSource.load(configFile, System.getenv());
            if (!rest.isEmpty() && rest.get(0).equals("--print-config")) {
                rest.subList(1, rest.size()).forEach(key -> System.out.println(source.render(key)));
                return;
            }
            if (!rest.isEmpty() && rest.get(0).equals("token")) {
                mintToken(source.bindJwt(), rest.subList(1, rest.size()));
                return;
            }
            if (!rest.isEmpty()) {
                exit(USAGE_ERROR, "unknown argument '" + rest.get(0)
                        + "'; usage: gamestate [--config FILE]"
                        + " [--print-config KEY... | token USER [TTL_SECONDS [ROOM,...]]]");
            }
            run(source.bind());
        } catch (ConfigException e) {
            exit(CONFIG_ERROR, "config error: " + e.getMessage());
        }
    }

    private static void run(GameConfig config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            LogOutput.apply(context, config.log(), config.server().nodeId());
        }
        GameNode node;
        try {
            node = GameNode.start(config);
        } catch (IllegalStateException e) {
            exit(1, e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LoggerFactory.getLogger(Main.class).info("shutting down");
            // The JVM exits when this hook returns: give the orderly close server.shutdownTimeout at most,
            // even when etcd does not answer the lease revoke.
            Thread closer = new Thread(node::close, "gamestate-close");
            closer.setDaemon(true);
            closer.start();
            try {
                closer.join(config.server().shutdownTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closer.isAlive()) {
                LoggerFactory.getLogger(Main.class).warn("shutdown took longer than server.shutdownTimeout;"
                        + " exiting without waiting: this node's sessions leave etcd with its lease (etcd.leaseTtl)."
                        + " Raise server.shutdownTimeout if etcd is slow to answer at shutdown");
            }
            stopped.countDown();
        }, "gamestate-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void mintToken(GameConfig.Jwt jwt, List<String> args) {
        if (args.isEmpty() || args.size() > 3) {
            exit(USAGE_ERROR, "usage: gamestate token USER [TTL_SECONDS [ROOM,...]]");
        }
        if (jwt.hmacSecret().isEmpty()) {
            exit(CONFIG_ERROR, "config error: auth.jwt.hmacSecret: dev tokens need an HS256 secret");
        }
        Duration ttl = DEFAULT_TOKEN_TTL;
        if (args.size() >= 2) {
            try {
                ttl = Duration.ofSeconds(Long.parseLong(args.get(1)));
            } catch (NumberFormatException e) {
                exit(USAGE_ERROR, "TTL_SECONDS must be a whole number, got '" + args.get(1) + "'");
            }
        }
        List<String> rooms = args.size() == 3
                ? Arrays.stream(args.get(2).split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList()
                : List.of();
        System.out.println(DevTokens.mint(jwt, args.get(0), ttl, rooms, Clock.systemUTC()));
    }

    private static void exit(int status, String message) {
        PrintStream err = System.err;
        err.println("gamestate: " + message);
        System.exit(status);
    }
}

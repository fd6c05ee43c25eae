package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules of STYLE.md, checked on the sources: dependencies point down only. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dev/gamestate");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.gamestate\\.(\\w+)\\.", Pattern.MULTILINE);
    private static final Set<String> DOMAIN = Set.of("event", "state", "config", "core");
    /** etcd's client, gRPC and protobuf, by name anywhere in a file: an import, a static import or a full name. */
    private static final Pattern ETCD_CLIENT = Pattern.compile("\\b(io\\.etcd|io\\.grpc|com\\.google\\.protobuf)\\.");

    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("config", Set.of("core")),
            Map.entry("auth", Set.of("config", "core")),
            Map.entry("event", Set.of("core")),
            Map.entry("protocol", Set.of("event", "core")),
            Map.entry("state", Set.of("config", "core")),
            Map.entry("rooms", DOMAIN),
            Map.entry("store", DOMAIN),
            Map.entry("sessions", DOMAIN),
            Map.entry("messaging", Set.of("rooms", "event", "state", "config", "core")),
            Map.entry("transport", Set.of("protocol", "event", "auth", "config", "core")),
            Map.entry("admin", Set.of("transport", "rooms", "messaging", "store", "sessions", "protocol", "event",
                    "state", "auth", "config", "core")),
            Map.entry("app", Set.of("admin", "transport", "rooms", "messaging", "store", "sessions", "protocol",
                    "event", "state", "auth", "config", "core")));

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                assertThat(ALLOWED).as("package %s has rules", pkg).containsKey(pkg);
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !ALLOWED.get(pkg).contains(target)) {
                        violations.add(MAIN.relativize(file) + " imports " + target);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void domainPackagesNeverSeeNettyOrTheWireFormat() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String pkg : List.of("core", "config", "event", "state", "rooms", "messaging", "store", "sessions")) {
            Path dir = MAIN.resolve(pkg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (Files.readString(file).contains("import io.netty.")) {
                        violations.add(MAIN.relativize(file) + " imports Netty");
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void onlyTheStateLayerTalksToEtcd() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                Matcher m = ETCD_CLIENT.matcher(Files.readString(file));
                if (!pkg.equals("state") && m.find()) {
                    violations.add(MAIN.relativize(file) + " uses " + m.group(1));
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}

package dev.gamestate.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.event.EventType;
import dev.gamestate.event.PushType;
import dev.gamestate.protocol.ReplyId;
import dev.gamestate.protocol.Welcome;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.transport.Ping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The wire types the code knows, asked from the code rather than listed by hand: every
 * {@code public static final} {@link EventType} (a request type) and {@link PushType} (a pushed event)
 * declared anywhere in the main classes, and the frames {@link WireCodec} writes itself.
 */
final class WireTypes {

    private WireTypes() {
    }

    /** The request types' wire names, each with the field declaring it. */
    static Map<String, String> requestTypes() {
        return constants(EventType.class, v -> ((EventType<?>) v).name());
    }

    /** The pushed events' wire names, each with the field declaring it. */
    static Map<String, String> pushTypes() {
        return constants(PushType.class, v -> ((PushType<?>) v).name());
    }

    /**
     * The frames the codec writes on its own (not as a pushed event), each as the codec encodes it:
     * {@code ack}, {@code error}, {@code welcome}, {@code token_expiring}.
     */
    static Map<String, JsonNode> codecFrames() {
        WireCodec codec = WireCodec.create();
        Instant now = Instant.parse("2026-12-01T05:35:00Z");
        Map<String, JsonNode> frames = new LinkedHashMap<>();
        for (byte[] frame : new byte[][] {
                codec.ack("1", new Ping.PingResult(WireCodec.TIMESTAMP.format(now))),
                codec.error(ReplyId.none(), new GameException(ErrorCode.RATE_LIMITED, "slow down", 250)),
                codec.welcome(new Welcome("6869dd85177dccd9d8038c70", "guest-0123456789abcdef", "guest", "node-1",
                        WireCodec.TIMESTAMP.format(now), Optional.of("guest-token"),
                        new Welcome.Limits(65536, 50, 1048576, 2000, 65536, 16384))),
                codec.tokenExpiring(now)}) {
            JsonNode json = read(codec, frame);
            frames.put(json.get("type").asText(), json);
        }
        return frames;
    }

    private static JsonNode read(WireCodec codec, byte[] frame) {
        try {
            return codec.mapper().readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> constants(Class<?> kind, Function<Object, String> name) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String className : mainClassNames()) {
            Class<?> type;
            try {
                type = Class.forName(className, false, WireTypes.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + className, e);
            }
            for (Field field : type.getDeclaredFields()) {
                int mods = field.getModifiers();
                if (field.getType() == kind && Modifier.isStatic(mods) && Modifier.isFinal(mods)
                        && Modifier.isPublic(mods)) {
                    try {
                        // Several constants may share a wire name (a request and the event it pushes do not).
                        found.merge(name.apply(field.get(null)), type.getSimpleName() + "." + field.getName(),
                                (a, b) -> a + ", " + b);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return found;
    }

    /** The binary names of the classes compiled from src/main (the directory EventType was loaded from). */
    private static TreeSet<String> mainClassNames() {
        Path root;
        try {
            root = Path.of(EventType.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Predicate<Path> isClass = p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals(
                "module-info.class") && !p.getFileName().toString().equals("package-info.class");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(isClass).map(p -> root.relativize(p).toString())
                    .map(s -> s.substring(0, s.length() - ".class".length()).replace('/', '.'))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

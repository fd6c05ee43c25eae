package dev.gamestate.contract;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.SpecificationVersion;
import dev.gamestate.core.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/asyncapi.yaml describes the WebSocket API the code serves: the same request and frame types,
 * and schemas that accept every frame captured in docs/protocol.md (and refuse the ones the server
 * refused as malformed). Needs no etcd: the types come from the compiled code, the frames from the
 * document.
 */
class AsyncApiContractTest {

    private static final Path ASYNCAPI = Repo.path("docs/asyncapi.yaml");
    private static final Path PROTOCOL = Repo.path("docs/protocol.md");

    private static AsyncApiContract contract(Path file) {
        return new AsyncApiContract(ContractDoc.read(file, SpecificationVersion.DRAFT_7));
    }

    private static List<CapturedFrames.Frame> captured() throws IOException {
        return CapturedFrames.parse(Files.readString(PROTOCOL));
    }

    @Test
    void theRequestTypesClientsSendAreExactlyTheOnesTheServerRegisters() {
        Map<String, String> code = WireTypes.requestTypes();

        assertThat(code).as("request types found in the code").containsKeys("ping", "subscribe", "refresh");
        assertThat(contract(ASYNCAPI).types("send")).as("types of asyncapi's send operations, against %s", code)
                .containsExactlyInAnyOrderElementsOf(code.keySet());
    }

    @Test
    void everyTypeTheCodeMakesIsAConstantTheseTestsSee() throws IOException {
        long made;
        try (var files = Files.walk(Path.of("src/main/java"))) {
            made = files.filter(f -> f.toString().endsWith(".java")).mapToLong(f -> {
                try {
                    return Pattern.compile("\\b(EventType|PushType)\\.of\\(").matcher(Files.readString(f)).results().count();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
        long seen = Stream.concat(WireTypes.requestTypes().values().stream(), WireTypes.pushTypes().values().stream())
                .mapToLong(fields -> fields.split(", ").length).sum();

        assertThat(seen).as("public static final EventType/PushType fields, against EventType.of/PushType.of calls")
                .isEqualTo(made);
    }

    @Test
    void theFrameTypesClientsReceiveAreExactlyTheOnesTheServerWrites() {
        Set<String> code = new TreeSet<>(WireTypes.pushTypes().keySet());
        code.addAll(WireTypes.codecFrames().keySet());

        assertThat(code).as("frame types found in the code")
                .contains("welcome", "ack", "error", "token_expiring", "snapshot", "core.game.state.presence");
        assertThat(contract(ASYNCAPI).types("receive")).as("types of asyncapi's receive operations")
                .containsExactlyInAnyOrderElementsOf(code);
    }

    @Test
    void everyMessageDeclaresItsWireTypeAndEveryRequestItsAck() {
        AsyncApiContract contract = contract(ASYNCAPI);
        Map<String, Set<String>> received = contract.messages("receive");

        contract.messages("send").forEach((key, types) -> {
            assertThat(types).as("%s declares its type", key).isNotEmpty();
            assertThat(received).as("%s's ack", key).containsKey(key + AsyncApiContract.RESULT_SUFFIX);
        });
        received.forEach((key, types) -> assertThat(types).as("%s declares its type", key).isNotEmpty());
    }

    @Test
    void theErrorCodesAreTheCatalogues() {
        List<String> catalogue = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList();
        List<String> documented = new ArrayList<>();
        ContractDoc.read(ASYNCAPI, SpecificationVersion.DRAFT_7)
                .resolve("/components/messages/error/payload/properties/error/properties/code/enum")
                .forEach(code -> documented.add(code.asText()));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(catalogue);
    }

    @Test
    void theFramesTheCodecWritesFitTheirMessages() {
        AsyncApiContract contract = contract(ASYNCAPI);

        WireTypes.codecFrames().forEach((type, frame) ->
                assertThat(contract.checkServerFrame("WireCodec's " + type, frame)).as("%s", frame).isEmpty());
    }

    @Test
    void everyExchangeCapturedInTheProtocolFitsTheSchemas() throws IOException {
        Map<String, Integer> tally = new TreeMap<>();

        List<CapturedFrames.Frame> frames = captured();
        List<String> problems = contract(ASYNCAPI).checkCaptured(frames, tally);

        tally.forEach((what, count) -> System.out.printf("protocol.md frames %s: %d%n", what, count));
        frames.stream().filter(f -> f.skipped().isPresent() && AsyncApiContract.elidedEventPayload(f).isEmpty())
                .forEach(f -> System.out.printf("  skipped protocol.md:%d %s %s: %s%n", f.line(), f.direction(),
                        f.type().orElse("-"), f.skipped().get()));
        assertThat(problems).isEmpty();
        assertThat(tally).as("frames checked").containsKeys("validated, request", "validated, server frame",
                "validated, ack against its request's result");
    }

    @Test
    void aBrokenSchemaOrAMissingMessageIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(ASYNCAPI);
        List<String> found = new ArrayList<>();

        Path narrowId = dir.resolve("narrow-id.yaml");
        Files.writeString(narrowId, yaml.replace("'^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$'", "'^[a-z]+$'"));
        found.addAll(contract(narrowId).checkCaptured(captured(), new TreeMap<>()));
        assertThat(found).as("room names with digits, refused by a narrowed Id").isNotEmpty();

        Path noPresenceEvent = dir.resolve("no-presence-event.yaml");
        Files.writeString(noPresenceEvent, yaml.lines().filter(l -> !l.contains("messages/presenceEvent'}"))
                .collect(Collectors.joining("\n")));
        assertThat(contract(noPresenceEvent).types("receive")).doesNotContain("core.game.state.presence");
        assertThat(contract(noPresenceEvent).checkCaptured(captured(), new TreeMap<>()))
                .anySatisfy(p -> assertThat(p).contains("core.game.state.presence"));
    }
}

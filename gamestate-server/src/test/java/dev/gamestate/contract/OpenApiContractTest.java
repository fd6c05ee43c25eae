package dev.gamestate.contract;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.SpecificationVersion;
import dev.gamestate.admin.AdminApi;
import dev.gamestate.core.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml describes the admin API the code serves: the same calls as {@link AdminApi#ROUTES}
 * (which AdminRoutesTest holds to the router), bearer auth on every call, the error catalogue, and
 * schemas that fit every call captured in docs/protocol.md section 7 and its answer.
 */
class OpenApiContractTest {

    private static final Path OPENAPI = Repo.path("docs/openapi.yaml");
    private static final Path PROTOCOL = Repo.path("docs/protocol.md");

    private static OpenApiContract contract(Path file) {
        return new OpenApiContract(ContractDoc.read(file, SpecificationVersion.DRAFT_2020_12));
    }

    private static List<CapturedCalls.Call> captured() throws IOException {
        return CapturedCalls.parse(Files.readString(PROTOCOL));
    }

    @Test
    void theCallsDescribedAreExactlyTheOnesTheAdminApiServes() {
        assertThat(contract(OPENAPI).routes()).containsExactlyInAnyOrderElementsOf(AdminApi.ROUTES);
    }

    @Test
    void everyCallNeedsTheBearerKeyAndSaysSoWith401() {
        ContractDoc doc = ContractDoc.read(OPENAPI, SpecificationVersion.DRAFT_2020_12);

        assertThat(doc.resolve("/components/securitySchemes/adminKey").path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.root().path("security").toString()).isEqualTo("[{\"adminKey\":[]}]");
        doc.root().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getKey().equals("parameters")) {
                assertThat(op.getValue().has("security")).as("%s %s overrides security", op.getKey(), path.getKey())
                        .isFalse();
                assertThat(op.getValue().path("responses").has("401")).as("%s %s", op.getKey(), path.getKey()).isTrue();
            }
        }));
    }

    @Test
    void theErrorCodesAreTheCatalogues() {
        List<String> documented = new ArrayList<>();
        ContractDoc.read(OPENAPI, SpecificationVersion.DRAFT_2020_12)
                .resolve("/components/schemas/Error/properties/error/properties/code/enum")
                .forEach(code -> documented.add(code.asText()));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
    }

    @Test
    void everyAdminCallCapturedInTheProtocolFitsTheSchemas() throws IOException {
        OpenApiContract contract = contract(OPENAPI);
        List<CapturedCalls.Call> calls = captured();
        List<String> problems = new ArrayList<>();

        calls.forEach(call -> problems.addAll(contract.check(call)));

        long answered = calls.stream().filter(c -> c.answer().isPresent()).count();
        System.out.printf("protocol.md admin calls: %d checked, %d with their answer%n", calls.size(), answered);
        assertThat(problems).isEmpty();
        assertThat(calls.stream().map(c -> c.method() + " " + contract.template(c.path()).orElse(c.path())))
                .as("captured calls cover")
                .contains("POST /core/game/v1/admin/broadcast", "DELETE /core/game/v1/admin/users/{userId}/sessions");
    }

    @Test
    void aBrokenSchemaOrAMissingCallIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(OPENAPI);

        Path noSubscribers = dir.resolve("no-subscribers.yaml");
        Files.writeString(noSubscribers, yaml.replace("        subscribers: {type: integer, minimum: 0,",
                "        subscriberCount: {type: integer, minimum: 0,"));
        List<String> problems = new ArrayList<>();
        captured().forEach(call -> problems.addAll(contract(noSubscribers).check(call)));
        assertThat(problems).as("rooms answers carry subscribers, which the broken Room does not allow")
                .anySatisfy(p -> assertThat(p).contains("rooms/private/"));

        Path noKick = dir.resolve("no-kick-user.yaml");
        Files.writeString(noKick, yaml.replace("  /core/game/v1/admin/users/{userId}/sessions:\n    delete:",
                "  /core/game/v1/admin/users/{userId}/sessions:\n    patch:"));
        assertThat(contract(noKick).routes()).doesNotContainAnyElementsOf(List.of(
                "DELETE /core/game/v1/admin/users/{userId}/sessions"));
        List<String> kickProblems = new ArrayList<>();
        captured().forEach(call -> kickProblems.addAll(contract(noKick).check(call)));
        assertThat(kickProblems).anySatisfy(p -> assertThat(p).contains("users/alice/sessions: no such call"));
    }
}

package dev.gamestate.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/asyncapi.yaml and docs/openapi.yaml are well-formed documents of their specifications: each
 * validates against its specification's own JSON Schema (AsyncAPI 3.0.0, OpenAPI 3.1), kept in
 * src/test/resources/contract (see the README there for where they come from).
 */
class SpecificationSchemasTest {

    private static List<Error> validate(Path document, String specSchema, SpecificationVersion dialect)
            throws IOException {
        try (InputStream in = SpecificationSchemasTest.class.getResourceAsStream("/contract/" + specSchema)) {
            Schema schema = SchemaRegistry.withDefaultDialect(dialect).getSchema(in, InputFormat.JSON);
            return schema.validate(ContractDoc.read(document, dialect).root());
        }
    }

    @Test
    void asyncApiYamlIsAnAsyncApi3Document() throws IOException {
        assertThat(validate(Path.of("docs/asyncapi.yaml"), "asyncapi-3.0.0-schema.json", SpecificationVersion.DRAFT_7))
                .isEmpty();
    }

    @Test
    void openApiYamlIsAnOpenApi31Document() throws IOException {
        assertThat(validate(Path.of("docs/openapi.yaml"), "openapi-3.1-schema.json", SpecificationVersion.DRAFT_2020_12))
                .isEmpty();
    }

    @Test
    void aMisspelledKeyIsRefused(@TempDir Path dir) throws IOException {
        Path asyncapi = dir.resolve("asyncapi.yaml");
        Files.writeString(asyncapi, Files.readString(Path.of("docs/asyncapi.yaml"))
                .replace("    action: receive", "    action: recieve"));
        Path openapi = dir.resolve("openapi.yaml");
        Files.writeString(openapi, Files.readString(Path.of("docs/openapi.yaml"))
                .replace("          in: query", "          in: querystring"));

        assertThat(validate(asyncapi, "asyncapi-3.0.0-schema.json", SpecificationVersion.DRAFT_7)).isNotEmpty();
        assertThat(validate(openapi, "openapi-3.1-schema.json", SpecificationVersion.DRAFT_2020_12)).isNotEmpty();
    }
}

package dev.gamestate.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A contract document in docs/ (AsyncAPI or OpenAPI, YAML), read as a tree, whose schemas validate
 * JSON through networknt's validator. A schema is named by its JSON pointer in the document, so that
 * its {@code $ref}s resolve against the document as a reader of the file would resolve them. The YAML
 * is read with SnakeYAML, which resolves anchors and aliases ({@code *allMessages}) as any AsyncAPI
 * tool does; Jackson's YAML tree reader would leave them unresolved.
 */
final class ContractDoc {

    private final Path file;
    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ContractDoc(Path file, JsonNode root, SpecificationVersion dialect) {
        this.file = file;
        this.root = root;
        // The validator reads the document from this map, under the file's own IRI, not from disk.
        String json = root.toString();
        this.registry = SchemaRegistry.withDefaultDialect(dialect,
                builder -> builder.schemas(Map.of(file.toUri().toString(), json)));
    }

    /** Reads {@code file}, whose schemas are of {@code dialect} unless they say otherwise. */
    static ContractDoc read(Path file, SpecificationVersion dialect) {
        try {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            return new ContractDoc(file, new ObjectMapper().valueToTree(yaml), dialect);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole document. */
    JsonNode root() {
        return root;
    }

    /** The node at {@code pointer}, following {@code $ref}s (local ones) until it is no reference. */
    JsonNode resolve(String pointer) {
        return follow(root.at(pointer));
    }

    /** {@code node} itself, or what its local {@code $ref} points to, followed to the end. */
    JsonNode follow(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            if (hops > 16) {
                throw new IllegalStateException("a $ref loop at " + node);
            }
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#")) {
                throw new IllegalStateException("only local $refs are followed: " + ref);
            }
            current = root.at(ref.substring(1));
        }
        return current;
    }

    /** The pointer a local {@code $ref} node names, followed to a node that is no reference. */
    String target(String pointer) {
        String current = pointer;
        JsonNode node = root.at(current);
        while (node.has("$ref")) {
            current = node.get("$ref").asText().substring(1);
            node = root.at(current);
        }
        return current;
    }

    /** The errors of {@code instance} against the schema at {@code pointer}; empty when it is valid. */
    List<Error> validate(String pointer, JsonNode instance) {
        if (root.at(pointer).isMissingNode()) {
            throw new IllegalArgumentException(file + " has no schema at " + pointer);
        }
        Schema schema = schemas.computeIfAbsent(pointer, p ->
                registry.getSchema(SchemaLocation.of(file.toUri() + "#" + p)));
        return schema.validate(instance);
    }
}

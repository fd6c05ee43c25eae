package dev.gamestate.config;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docs follow code: the README's configuration reference names every key the defaults file has. */
class ConfigReferenceTest {

    @Test
    void readmeListsEveryConfigKeyWithItsEnvironmentVariable() throws IOException {
        JsonNode defaults;
        try (InputStream in = ConfigSource.class.getResourceAsStream("/gamestate-defaults.yaml")) {
            defaults = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        List<String> keys = new ArrayList<>();
        collect(defaults, "", keys);
        String readme = Files.readString(Repo.path("README.md"));
        for (String key : keys) {
            assertThat(readme).as("README documents %s", key)
                    .contains("| `" + key + "` |")
                    .contains("`" + ConfigSource.envName(key) + "`");
        }
    }

    private static void collect(JsonNode node, String path, List<String> out) {
        node.properties().forEach(e -> {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue().isObject() && !key.equals("economy.startingBalance")) {
                collect(e.getValue(), key, out);
            } else {
                out.add(key);
            }
        });
    }
}

package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** RFC 7396, appendix A: original | patch | result. */
    @ParameterizedTest(name = "{0} patched with {1} is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"a":"b"}             | {"a":"c"}                  | {"a":"c"}
            {"a":"b"}             | {"b":"c"}                  | {"a":"b","b":"c"}
            {"a":"b"}             | {"a":null}                 | {}
            {"a":"b","b":"c"}     | {"a":null}                 | {"b":"c"}
            {"a":["b"]}           | {"a":"c"}                  | {"a":"c"}
            {"a":"c"}             | {"a":["b"]}                | {"a":["b"]}
            {"a":{"b":"c"}}       | {"a":{"b":"d","c":null}}   | {"a":{"b":"d"}}
            {"a":[{"b":"c"}]}     | {"a":[1]}                  | {"a":[1]}
            ["a","b"]             | ["c","d"]                  | ["c","d"]
            {"a":"b"}             | ["c"]                      | ["c"]
            {"a":"foo"}           | null                       | null
            {"a":"foo"}           | "bar"                      | "bar"
            {"e":null}            | {"a":1}                    | {"e":null,"a":1}
            [1,2]                 | {"a":"b","c":null}         | {"a":"b"}
            {}                    | {"a":{"bb":{"ccc":null}}}  | {"a":{"bb":{}}}
            """)
    void appliesTheExamplesOfRfc7396(String original, String patch, String result) throws Exception {
        assertThat(MergePatch.apply(MAPPER.readTree(original), MAPPER.readTree(patch)))
                .isEqualTo(MAPPER.readTree(result));
    }

    @Test
    void appliesTheDocumentExampleOfRfc7396Section3() throws Exception {
        JsonNode target = MAPPER.readTree("""
                {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
                 "tags":["example","sample"],"content":"This will be unchanged"}""");
        JsonNode patch = MAPPER.readTree("""
                {"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}""");

        assertThat(MergePatch.apply(target, patch)).isEqualTo(MAPPER.readTree("""
                {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],
                 "content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"""));
    }

    @Test
    void leavesBothInputsAsTheyWere() throws Exception {
        JsonNode target = MAPPER.readTree("{\"a\":{\"b\":1,\"c\":2},\"d\":[1]}");
        JsonNode patch = MAPPER.readTree("{\"a\":{\"b\":null,\"e\":{\"f\":3}},\"d\":null}");
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode result = MergePatch.apply(target, patch);

        assertThat(result).isEqualTo(MAPPER.readTree("{\"a\":{\"c\":2,\"e\":{\"f\":3}}}"));
        assertThat(target).isEqualTo(targetBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }
}

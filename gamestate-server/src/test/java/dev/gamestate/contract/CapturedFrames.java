package dev.gamestate.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WebSocket frames captured in docs/protocol.md: in its indented blocks, each line
 * {@code > json} (a frame the client sent) or {@code < json} (one the server sent), optionally after
 * a speaker such as {@code (alice@node-1)}. A frame may go on over the next indented lines (the
 * {@code welcome} does). A line shortened with {@code …} between fields, or that is no JSON at all
 * (a close, a deliberate {@code not json}), is kept as skipped, with why; one shortened inside a
 * string value only (a token) is still whole JSON and is checked.
 */
final class CapturedFrames {

    private static final Pattern MARKED =
            Pattern.compile("^ {4,}(?:\\((?<speaker>[^)]*)\\)\\s*)?(?<dir>[<>]) (?<text>.*)$");
    private static final int MAX_CONTINUATION_LINES = 8;

    /** Which way a frame went. */
    enum Direction { CLIENT, SERVER }

    /**
     * One captured frame.
     *
     * @param line      its first line in the document, from 1
     * @param speaker   the connection it was on ({@code alice@node-1}); empty for the document's main one
     * @param direction who sent it
     * @param text      its text as written
     * @param json      the frame, when it is whole JSON
     * @param skipped   why it is not checked, when it is not
     */
    record Frame(int line, String speaker, Direction direction, String text, Optional<JsonNode> json,
                 Optional<String> skipped) {

        /** Its {@code id} as text, when it has a string one (read from the text of an elided frame). */
        Optional<String> id() {
            return field("id");
        }

        /** Its {@code type}, when it has one (read from the text of an elided frame). */
        Optional<String> type() {
            return field("type");
        }

        private Optional<String> field(String name) {
            if (json.isPresent()) {
                return json.map(j -> j.get(name)).filter(JsonNode::isTextual).map(JsonNode::asText);
            }
            // An elided frame: its leading fields, up to the first …, are as captured.
            String head = text.substring(0, text.indexOf('…') < 0 ? text.length() : text.indexOf('…'));
            Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(head);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        @Override
        public String toString() {
            return "protocol.md:" + line + " " + (speaker.isEmpty() ? "" : "(" + speaker + ") ")
                    + (direction == Direction.CLIENT ? "> " : "< ") + text;
        }
    }

    private CapturedFrames() {
    }

    /** Every marked line of {@code markdown}, in order. */
    static List<Frame> parse(String markdown) {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        String[] lines = markdown.split("\n", -1);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = MARKED.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String speaker = m.group("speaker") == null ? "" : m.group("speaker").strip();
            Direction direction = m.group("dir").equals(">") ? Direction.CLIENT : Direction.SERVER;
            String text = m.group("text").strip();
            int line = i + 1;
            if (!text.startsWith("{")) {
                frames.add(new Frame(line, speaker, direction, text, Optional.empty(), Optional.of("not JSON: "
                        + (text.startsWith("close ") ? "a close frame" : "sent as a malformed frame on purpose"))));
                continue;
            }
            // A … inside a string value (a shortened token) leaves the frame whole JSON, checked as it is;
            // one between fields leaves no JSON to check.
            if (text.contains("…") && read(mapper, text).isEmpty()) {
                frames.add(new Frame(line, speaker, direction, text, Optional.empty(),
                        Optional.of("elided with … between fields (fields left out of the capture)")));
                continue;
            }
            // A frame wrapped over several lines: join the next indented ones until the JSON is whole.
            StringBuilder joined = new StringBuilder(text);
            Optional<JsonNode> json = read(mapper, joined.toString());
            for (int k = 1; json.isEmpty() && k <= MAX_CONTINUATION_LINES && i + k < lines.length; k++) {
                String next = lines[i + k];
                if (!next.startsWith("    ") || MARKED.matcher(next).matches()) {
                    break;
                }
                joined.append(next.strip());
                json = read(mapper, joined.toString());
                if (json.isPresent()) {
                    i += k;
                }
            }
            frames.add(new Frame(line, speaker, direction, joined.toString(), json,
                    json.isPresent() ? Optional.empty() : Optional.of("does not parse as JSON")));
        }
        return frames;
    }

    private static Optional<JsonNode> read(ObjectMapper mapper, String text) {
        try {
            return Optional.of(mapper.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}

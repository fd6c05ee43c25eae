package dev.gamestate.contract;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API calls captured in docs/protocol.md: each indented {@code $ curl ...} command (over
 * several lines when they end in a backslash) and the answer printed under it, {@code {json}} for a
 * 200 or {@code HTTP 404 {json}} for another status. A command with no answer under it is kept with
 * none.
 */
final class CapturedCalls {

    private static final Pattern STATUS = Pattern.compile("^HTTP (\\d{3}) (.*)$");

    /**
     * One captured call.
     *
     * @param line   its first line in the document, from 1
     * @param method the HTTP method ({@code -X}, else POST with a body and GET without)
     * @param path   the path, without the query
     * @param query  the query's parameters, decoded
     * @param body   the {@code -d} body, when there is one
     * @param status the answer's status
     * @param answer the answer's body, when one was captured
     */
    record Call(int line, String method, String path, Map<String, String> query, Optional<String> body, int status,
                Optional<String> answer) {

        @Override
        public String toString() {
            return "protocol.md:" + line + " " + method + " " + path + (query.isEmpty() ? "" : "?" + query);
        }
    }

    private CapturedCalls() {
    }

    /** Every curl call in {@code markdown}'s indented blocks, in order. */
    static List<Call> parse(String markdown) {
        String[] lines = markdown.split("\n", -1);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("    ") || !lines[i].strip().startsWith("$ curl ")) {
                continue;
            }
            int first = i;
            StringBuilder command = new StringBuilder(lines[i].strip().substring(2));
            while (command.toString().endsWith("\\") && i + 1 < lines.length) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines[++i].strip());
            }
            Optional<String> answerLine = Optional.empty();
            if (i + 1 < lines.length && lines[i + 1].startsWith("    ")) {
                String next = lines[i + 1].strip();
                if (next.startsWith("{") || next.startsWith("HTTP ")) {
                    answerLine = Optional.of(next);
                    i++;
                }
            }
            calls.add(call(first + 1, words(command.toString()), answerLine));
        }
        return calls;
    }

    private static Call call(int line, List<String> words, Optional<String> answerLine) {
        String method = null;
        String url = null;
        Optional<String> body = Optional.empty();
        for (int k = 1; k < words.size(); k++) {
            switch (words.get(k)) {
                case "-X" -> method = words.get(++k);
                case "-H" -> k++;
                case "-d" -> body = Optional.of(words.get(++k));
                default -> url = words.get(k);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("protocol.md:" + line + ": a curl call without a URL");
        }
        if (method == null) {
            method = body.isPresent() ? "POST" : "GET";
        }
        String target = url.substring(url.indexOf('/'));
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        Map<String, String> query = new LinkedHashMap<>();
        if (target.contains("?")) {
            for (String pair : target.substring(target.indexOf('?') + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        int status = 200;
        Optional<String> answer = answerLine;
        if (answerLine.isPresent()) {
            Matcher m = STATUS.matcher(answerLine.get());
            if (m.matches()) {
                status = Integer.parseInt(m.group(1));
                answer = Optional.of(m.group(2));
            }
        }
        return new Call(line, method, path, query, body, status, answer);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Splits a shell command into words, honouring single and double quotes (no escapes inside). */
    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}

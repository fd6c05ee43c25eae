package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One client of an {@link EmbeddedServer}, speaking bytes to the server's pipeline on an
 * {@link EmbeddedChannel}: its requests go through Netty's HTTP encoder and its frames through a
 * masking client frame encoder; what the server writes is decoded as a client would (an HTTP response,
 * then unmasked frames). Everything runs on the test thread: each call runs the server's pending
 * tasks, and its clock is frozen: time moves only when {@link #advance} moves it.
 */
final class EmbeddedClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final EmbeddedChannel server;
    private final EmbeddedChannel requestEncoder = new EmbeddedChannel(new HttpRequestEncoder());
    private final EmbeddedChannel frameEncoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    private final EmbeddedChannel responseDecoder =
            new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
    private final EmbeddedChannel frameDecoder = new EmbeddedChannel(new WebSocket13FrameDecoder(
            WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 24).build()));
    private final Deque<WebSocketFrame> frames = new ArrayDeque<>();
    private final MockTicker clock = Ticker.newMockTicker();
    private boolean upgraded;

    EmbeddedClient(GameServerInitializer initializer) {
        // A clock of its own from before the connection is accepted (its request deadline armed):
        // timers fire exactly when a test moves it, however long the test itself takes.
        this.server = EmbeddedChannel.builder().ticker(clock).handlers(initializer).build();
    }

    /** Sends a WebSocket upgrade of {@code uri} with {@code headers}; the server's answer. */
    FullHttpResponse upgrade(String uri, Map<String, String> headers) {
        return request(upgradeRequest(uri, headers));
    }

    /** {@link #upgrade(String, Map)} with no extra headers. */
    FullHttpResponse upgrade(String uri) {
        return upgrade(uri, Map.of());
    }

    /** A WebSocket upgrade request of {@code uri}, with {@code headers} besides the upgrade's own. */
    static FullHttpRequest upgradeRequest(String uri, Map<String, String> headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers()
                .set(HttpHeaderNames.HOST, "localhost")
                .set(HttpHeaderNames.UPGRADE, "websocket")
                .set(HttpHeaderNames.CONNECTION, "Upgrade")
                .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, KEY)
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        headers.forEach(request.headers()::set);
        return request;
    }

    /** Sends {@code request}; the server's whole response, which must come at once. */
    FullHttpResponse request(FullHttpRequest request) {
        String uri = request.uri();
        send(request);
        FullHttpResponse response = response();
        assertThat(response).as("an answer to " + uri).isNotNull();
        return response;
    }

    /** Sends {@code request} without waiting for an answer (read it with {@link #response}). */
    void send(FullHttpRequest request) {
        requestEncoder.writeOutbound(request);
        List<ByteBuf> bytes = new ArrayList<>();
        for (ByteBuf part; (part = requestEncoder.readOutbound()) != null; ) {
            bytes.add(part);
        }
        sendBytes(Unpooled.wrappedBuffer(bytes.toArray(ByteBuf[]::new)));
    }

    /** Sends {@code bytes} as they are, as a client writing to its socket would. */
    void sendBytes(ByteBuf bytes) {
        if (server.isOpen()) {
            server.writeInbound(bytes);
            server.runPendingTasks();
        } else {
            bytes.release();
        }
    }

    /** Sends {@code frames}, masked, in one write: the server reads them all before its tasks run. */
    void send(WebSocketFrame... frames) {
        List<ByteBuf> bytes = new ArrayList<>();
        for (WebSocketFrame frame : frames) {
            frameEncoder.writeOutbound(frame);
            for (ByteBuf part; (part = frameEncoder.readOutbound()) != null; ) {
                bytes.add(part);
            }
        }
        if (!server.isOpen()) {
            bytes.forEach(ByteBuf::release);
            return;
        }
        server.writeInbound(bytes.toArray());
        server.runPendingTasks();
    }

    /** Sends a text frame. */
    void sendText(String text) {
        send(new TextWebSocketFrame(text));
    }

    /** The next frame the server sent, or null when there is none (yet). */
    WebSocketFrame nextFrame() {
        collect();
        return frames.poll();
    }

    /** The next frame the server sent, which must be a text frame, as JSON. */
    JsonNode nextJson() {
        WebSocketFrame frame = nextFrame();
        assertThat(frame).as("a frame from the server").isInstanceOf(TextWebSocketFrame.class);
        try {
            return JSON.readTree(((TextWebSocketFrame) frame).text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            frame.release();
        }
    }

    /** Skips frames up to the first of JSON {@code type}, and returns it. */
    JsonNode awaitType(String type) {
        while (true) {
            JsonNode json = nextJson();
            if (json.path("type").asText().equals(type)) {
                return json;
            }
        }
    }

    /** Sends a {@code ping} request with {@code id} and returns its reply. */
    JsonNode ping(String id) {
        sendText("{\"id\":\"" + id + "\",\"type\":\"ping\"}");
        return nextJson();
    }

    /**
     * The close code the server closed with: its close frame is the last thing it sent, and the
     * socket is closed. Frames sent before it are skipped.
     */
    int closeCode() {
        collect();
        WebSocketFrame last = frames.pollLast();
        assertThat(last).as("the server's last frame, a close frame").isInstanceOf(CloseWebSocketFrame.class);
        int code = ((CloseWebSocketFrame) last).statusCode();
        last.release();
        assertThat(server.isOpen()).as("the socket is closed after the close frame").isFalse();
        return code;
    }

    /** Frames the server sent and the test has not read. */
    List<WebSocketFrame> remainingFrames() {
        collect();
        List<WebSocketFrame> left = new ArrayList<>(frames);
        frames.clear();
        return left;
    }

    /** True while the server keeps the socket open. */
    boolean isOpen() {
        return server.isOpen();
    }

    /** Moves the server's clock on by {@code millis} and runs what came due. */
    void advance(long millis) {
        clock.advanceMillis(millis);
        server.runScheduledPendingTasks();
        server.runPendingTasks();
    }

    /** The server-side channel, for what only it can tell (its pipeline, its attributes). */
    EmbeddedChannel channel() {
        return server;
    }

    /** The server's next whole HTTP response, or null when it sent none. */
    FullHttpResponse response() {
        server.runPendingTasks();
        for (ByteBuf part; (part = server.readOutbound()) != null; ) {
            if (upgraded) {
                frameDecoder.writeInbound(part);
                continue;
            }
            responseDecoder.writeInbound(part);
            FullHttpResponse response = responseDecoder.readInbound();
            if (response != null) {
                // What follows a 101 is WebSocket frames.
                upgraded = response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS);
                // A heap copy the tests may drop: the decoder's pooled buffer is released here.
                FullHttpResponse copy = response.replace(io.netty.buffer.Unpooled.copiedBuffer(response.content()));
                response.release();
                return copy;
            }
        }
        return null;
    }

    private void collect() {
        server.runPendingTasks();
        for (ByteBuf part; (part = server.readOutbound()) != null; ) {
            frameDecoder.writeInbound(part);
        }
        for (WebSocketFrame frame; (frame = frameDecoder.readInbound()) != null; ) {
            frames.add(frame);
        }
    }

    /** The body of {@code response} as UTF-8 text. */
    static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }

    /** The body of {@code response} as JSON. */
    static JsonNode json(FullHttpResponse response) {
        try {
            return JSON.readTree(body(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        frames.forEach(WebSocketFrame::release);
        frames.clear();
        server.finishAndReleaseAll();
        requestEncoder.finishAndReleaseAll();
        frameEncoder.finishAndReleaseAll();
        responseDecoder.finishAndReleaseAll();
        frameDecoder.finishAndReleaseAll();
    }
}

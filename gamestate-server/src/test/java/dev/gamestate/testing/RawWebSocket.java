package dev.gamestate.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client written by hand over a plain {@link Socket}, for what the JDK client refuses to
 * do: send bytes that are not UTF-8, leave a close unanswered, or read an HTTP refusal in full. It
 * speaks just enough RFC 6455: the upgrade request, masked client frames, unmasked server frames.
 */
public final class RawWebSocket implements AutoCloseable {

    /** Opcode of a continuation frame (a fragment after a message's first). */
    public static final int CONTINUATION = 0x0;
    /** Opcode of a text frame. */
    public static final int TEXT = 0x1;
    /** Opcode of a binary frame. */
    public static final int BINARY = 0x2;
    /** Opcode of a close frame. */
    public static final int CLOSE = 0x8;
    /** Opcode of a ping frame. */
    public static final int PING = 0x9;
    /** Opcode of a pong frame. */
    public static final int PONG = 0xA;

    private static final int READ_TIMEOUT_MS = (int) WsClient.WAIT.toMillis();
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The server's answer to an upgrade request.
     *
     * @param status  the HTTP status
     * @param headers the response headers, names in lower case
     * @param body    the response body as text
     */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /**
     * A frame the server sent.
     *
     * @param opcode     the frame's opcode
     * @param payload    its payload
     * @param compressed RSV1: permessage-deflate compressed the message
     */
    public record Frame(int opcode, byte[] payload, boolean compressed) {

        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame; 1005 when it carries none. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private Answer upgrade;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Sends an upgrade request for {@code pathAndQuery} with extra {@code headers} and returns the
     * answer; the connection is closed afterwards, whatever the status.
     */
    public static Answer upgradeAnswer(int port, String pathAndQuery, Map<String, String> headers) {
        try (Socket socket = newSocket(port)) {
            RawWebSocket raw = new RawWebSocket(socket);
            raw.writeUpgrade(port, pathAndQuery, headers);
            return raw.readAnswer(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Upgrades {@code pathAndQuery} and returns the open socket.
     *
     * @throws AssertionError when the server does not answer 101
     */
    public static RawWebSocket connect(int port, String pathAndQuery, Map<String, String> headers) {
        return connect(port, pathAndQuery, headers, 0);
    }

    /**
     * Like {@link #connect(int, String, Map)}, with the socket's receive buffer set to
     * {@code receiveBufferBytes} before it connects (0: the system's default), for a client that
     * must fall behind soon when it stops reading.
     */
    public static RawWebSocket connect(int port, String pathAndQuery, Map<String, String> headers,
                                       int receiveBufferBytes) {
        Socket socket = null;
        try {
            socket = newSocket(port, receiveBufferBytes);
            RawWebSocket raw = new RawWebSocket(socket);
            raw.writeUpgrade(port, pathAndQuery, headers);
            Answer answer = raw.readAnswer(false);
            if (answer.status() != 101) {
                throw new AssertionError("upgrade refused with HTTP " + answer.status() + ": " + answer.body());
            }
            raw.upgrade = answer;
            return raw;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** The server's 101 answer to the upgrade. */
    public Answer upgrade() {
        return upgrade;
    }

    /** Sends one complete, masked frame of {@code opcode} carrying exactly {@code payload}. */
    public void sendFrame(int opcode, byte[] payload) {
        sendBytes(frame(true, opcode, payload));
    }

    /** Sends one masked frame, {@code fin} set on a message's last fragment. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) {
        sendBytes(frame(fin, opcode, payload));
    }

    /**
     * Sends bytes as they are: several frames made by {@link #frame} in one write, or anything else.
     *
     * @throws UncheckedIOException when the server has closed the connection
     */
    public void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One masked client frame: {@code fin} set on the last fragment of a message (and on control
     * frames), {@code opcode} {@link #CONTINUATION} on every fragment after the first.
     */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame(fin, false, opcode, payload);
    }

    /** As {@link #frame(boolean, int, byte[])}, with RSV1 set when {@code compressed} (permessage-deflate). */
    public static byte[] frame(boolean fin, boolean compressed, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** {@code count} copies of {@code frame} back to back, to be sent in one write. */
    public static byte[] repeat(byte[] frame, int count) {
        byte[] all = new byte[frame.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(frame, 0, all, i * frame.length, frame.length);
        }
        return all;
    }

    /** Sends a text frame whose payload is {@code bytes}, valid UTF-8 or not. */
    public void sendTextBytes(byte[] bytes) {
        sendFrame(TEXT, bytes);
    }

    /** Reads the next frame the server sent, waiting at most {@link WsClient#WAIT}. */
    public Frame readFrame() {
        try {
            int first = readByte();
            int second = readByte();
            if ((second & 0x80) != 0) {
                throw new AssertionError("the server masked a frame");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = ((long) readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            if (length > MAX_FRAME_BYTES) {
                throw new AssertionError("server frame of " + length + " bytes");
            }
            return new Frame(first & 0x0F, in.readNBytes((int) length), (first & 0x40) != 0);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + WsClient.WAIT, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code request} as it is (the request line, headers and blank line, written by the test)
     * and returns the answer with its body; the connection is closed afterwards.
     */
    public static Answer rawAnswer(int port, byte[] request) {
        try (Socket socket = newSocket(port)) {
            RawWebSocket raw = new RawWebSocket(socket);
            raw.sendBytes(request);
            return raw.readAnswer(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads frames until the server's close frame and returns its status code. */
    public int awaitCloseCode() {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == CLOSE) {
                return frame.closeCode();
            }
        }
    }

    /** True when the server has closed the TCP connection (reads end of stream within the wait). */
    public boolean serverHungUp() {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the peer
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static Socket newSocket(int port) throws IOException {
        return newSocket(port, 0);
    }

    private static Socket newSocket(int port, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private void writeUpgrade(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads the status line and headers, and the body when {@code withBody} and the status is not 101. */
    private Answer readAnswer(boolean withBody) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = readByte();
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new AssertionError("HTTP response head over " + MAX_HEAD_BYTES + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        String body = "";
        if (withBody && status != 101) {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        return new Answer(status, Map.copyOf(headers), body);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
    }
}

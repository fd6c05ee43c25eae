package dev.gamestate.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** A client's side of permessage-deflate (RFC 7692), one message at a time, for tests. */
public final class PerMessageDeflate {

    private PerMessageDeflate() {
    }

    /** Raw deflate with a sync flush, its trailing {@code 00 00 FF FF} left off, as a message is sent. */
    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            return Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    /** A received message inflated alone (a fresh window), with the {@code 00 00 FF FF} put back. */
    public static byte[] inflate(byte[] deflated) {
        Inflater inflater = new Inflater(true);
        try {
            byte[] input = Arrays.copyOf(deflated, deflated.length + 4);
            input[input.length - 2] = (byte) 0xFF;
            input[input.length - 1] = (byte) 0xFF;
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("not a deflated message", e);
        } finally {
            inflater.end();
        }
    }
}

package dev.gamestate.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The raw jetcd baseline for a quiet room's broadcast: the latency of one put, and of a transaction
 * shaped like a room append (one compare; the state put and one log put), sent one at a time at a
 * low rate, against the etcd given. gamestate's ack latency for a broadcast into a quiet room is
 * read beside these.
 *
 * <p>Usage: {@code EtcdWriteLatency ENDPOINT [COUNT] [RATE_PER_SECOND]} (defaults 400 and 20).
 */
public final class EtcdWriteLatency {

    private EtcdWriteLatency() {
    }

    /** Runs the two measurements and prints one result line each. */
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            KV kv = client.getKVClient();
            String prefix = "/bench-" + System.nanoTime() + "/";
            ByteSequence state = bytes(prefix + "state");
            byte[] value = "x".repeat(300).getBytes(StandardCharsets.UTF_8);
            kv.put(state, ByteSequence.from(value)).get(); // connect and warm up
            Histogram put = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            Histogram txn = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            long modRevision = kv.get(state).get().getKvs().getFirst().getModRevision();
            long pauseNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                kv.put(bytes(prefix + "put/" + i), ByteSequence.from(value)).get();
                put.recordValue((System.nanoTime() - start) / 1000);
                start = System.nanoTime();
                modRevision = kv.txn()
                        .If(new Cmp(state, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                        .Then(Op.put(state, ByteSequence.from(value), PutOption.DEFAULT),
                                Op.put(bytes(prefix + "log/" + i), ByteSequence.from(value), PutOption.DEFAULT))
                        .commit().get().getHeader().getRevision();
                txn.recordValue((System.nanoTime() - start) / 1000);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, pauseNanos - (System.nanoTime() - start)));
            }
            print("put", put);
            print("append_txn", txn);
        }
    }

    private static void print(String what, Histogram histogram) {
        System.out.printf("result\twhat=%s\tcount=%d\tp50_ms=%.3f\tp99_ms=%.3f%n", what, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}

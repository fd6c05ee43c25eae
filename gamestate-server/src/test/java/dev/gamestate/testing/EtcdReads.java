package dev.gamestate.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A test's own reads of etcd under one node's key prefix, straight from etcd rather than through a
 * node: what a request wrote, or that a refused one wrote nothing.
 */
public final class EtcdReads implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final Client client;
    private final String prefix;

    /** Reads of the keys under {@code prefix}; closes {@code client} when closed. */
    public EtcdReads(Client client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    /** The key at {@code prefix + relative}, when it exists. */
    public Optional<KeyValue> get(String relative) {
        return read(relative, GetOption.DEFAULT).stream().findFirst();
    }

    /** The value at {@code prefix + relative} as UTF-8 text, when the key exists. */
    public Optional<String> text(String relative) {
        return get(relative).map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    /** Every key under {@code prefix + relative} (relative to {@code prefix}) with its value as text, in key order. */
    public Map<String, String> under(String relative) {
        Map<String, String> keys = new TreeMap<>();
        for (KeyValue kv : read(relative, GetOption.builder().isPrefix(true).build())) {
            keys.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()),
                    kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return keys;
    }

    /** Every key and value under the prefix, with each key's mod revision: a fingerprint of all a node wrote. */
    public Map<String, String> everything() {
        Map<String, String> keys = new TreeMap<>();
        for (KeyValue kv : read("", GetOption.builder().isPrefix(true).build())) {
            keys.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()),
                    kv.getModRevision() + " " + kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return keys;
    }

    private List<KeyValue> read(String relative, GetOption option) {
        ByteSequence key = ByteSequence.from(prefix + relative, StandardCharsets.UTF_8);
        try {
            return client.getKVClient().get(key, option).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getKvs();
        } catch (Exception e) {
            throw new AssertionError("etcd read of " + prefix + relative + " failed", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

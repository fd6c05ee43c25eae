package dev.gamestate.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The test's own look at etcd under one cluster's key prefix: what the nodes left there, read
 * straight from etcd rather than through a node.
 */
final class EtcdView implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 10;

    private final Client client;
    private final String prefix;

    /** A view of the keys under {@code prefix}; closes {@code client} when closed. */
    EtcdView(Client client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    /** How many keys start with {@code prefix + relative}. */
    long count(String relative) {
        return get(relative, GetOption.builder().isPrefix(true).withCountOnly(true).build()).getCount();
    }

    /** The keys starting with {@code prefix + relative}. */
    List<KeyValue> list(String relative) {
        return get(relative, GetOption.builder().isPrefix(true).build()).getKvs();
    }

    /** The JSON value at {@code prefix + relative}, when the key exists. */
    Optional<JsonNode> json(String relative) {
        return get(relative, GetOption.DEFAULT).getKvs().stream().findFirst().map(EtcdView::json);
    }

    /** A value as JSON. */
    static JsonNode json(KeyValue kv) {
        try {
            return JSON.readTree(kv.getValue().getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Etcd's current revision. */
    long revision() {
        return get("", GetOption.builder().withCountOnly(true).build()).getHeader().getRevision();
    }

    /** Compacts etcd's history up to {@code revision}, as an operator or another node's compactor would. */
    void compact(long revision) {
        try {
            client.getKVClient().compact(revision).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("compaction to " + revision + " failed", e);
        }
    }

    private io.etcd.jetcd.kv.GetResponse get(String relative, GetOption option) {
        ByteSequence key = ByteSequence.from(prefix + relative, StandardCharsets.UTF_8);
        try {
            return client.getKVClient().get(key, option).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("etcd read of " + prefix + relative + " failed", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

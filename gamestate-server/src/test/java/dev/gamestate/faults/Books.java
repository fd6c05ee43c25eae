package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The money checks every fault scenario ends with, read straight from etcd: a wallet conserves money
 * ({@code starting + credited == balance + spent} per currency), and what it spent and owns is exactly
 * the sum of its purchase records, one per request id.
 */
final class Books {

    private Books() {
    }

    /**
     * Asserts that {@code userId}'s wallet is balanced against its purchase records and that those are
     * exactly one per request id in {@code requestIds}.
     */
    static void assertBalanced(EtcdView etcd, String userId, Set<String> requestIds) {
        Map<String, JsonNode> records = new TreeMap<>();
        for (KeyValue kv : etcd.list("purchases/" + userId + "/")) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            records.put(key.substring(key.lastIndexOf('/') + 1), EtcdView.json(kv));
        }
        assertThat(records.keySet()).as("purchase records of %s, one per request id", userId)
                .isEqualTo(new TreeSet<>(requestIds));

        if (records.isEmpty() && etcd.json("wallets/" + userId).isEmpty()) {
            return; // never bought: the wallet is still the opening one, which is not stored
        }
        JsonNode wallet = etcd.json("wallets/" + userId)
                .orElseThrow(() -> new AssertionError("no wallet of " + userId + " in etcd"));
        Map<String, Long> spent = new TreeMap<>();
        Map<String, Long> owned = new TreeMap<>();
        for (JsonNode record : records.values()) {
            long quantity = record.path("quantity").asLong();
            spent.merge(record.path("currency").asText(), quantity * record.path("unitPrice").asLong(), Long::sum);
            owned.merge(record.path("goodId").asText(), quantity, Long::sum);
        }
        Set<String> currencies = new TreeSet<>();
        wallet.path("starting").fieldNames().forEachRemaining(currencies::add);
        wallet.path("balance").fieldNames().forEachRemaining(currencies::add);
        currencies.addAll(spent.keySet());
        for (String currency : currencies) {
            long in = wallet.path("starting").path(currency).asLong() + wallet.path("credited").path(currency).asLong();
            long out = wallet.path("balance").path(currency).asLong() + wallet.path("spent").path(currency).asLong();
            assertThat(out).as("%s: balance + spent == starting + credited in %s; wallet %s", userId, currency, wallet)
                    .isEqualTo(in);
            assertThat(wallet.path("spent").path(currency).asLong())
                    .as("%s: spent %s == sum of the purchase records %s", userId, currency, records)
                    .isEqualTo(spent.getOrDefault(currency, 0L));
        }
        Map<String, Long> inventory = new TreeMap<>();
        wallet.path("inventory").fields().forEachRemaining(e -> inventory.put(e.getKey(), e.getValue().asLong()));
        inventory.values().removeIf(n -> n == 0);
        assertThat(inventory).as("%s: inventory == sum of the purchase records", userId).isEqualTo(owned);
    }
}

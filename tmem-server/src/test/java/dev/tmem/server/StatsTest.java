package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.TmemEngine;
import dev.tmem.protocol.Status;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md "STATS counters": every key, global and per client, follows the operations. */
class StatsTest extends ServerTestBase {

    @Override
    ServerConfig.Builder configure(ServerConfig.Builder b) {
        return b.store(ServerConfig.Store.RAW); // exact sizes: each page costs its 4096 bytes
    }

    @Test
    void countersFollowTheOperations() {
        TestClient a = login("a");
        TestClient b = login("b");
        int pe = a.newPool(false, 4096);
        int pp = a.newPool(true, 4096);
        b.newPool(true, 8192);
        a.put(pe, 1, 0, TestClient.page(4096, 1));
        a.put(pp, 1, 0, TestClient.page(4096, 2));
        a.put(pp, 1, 1, TestClient.page(4096, 3));
        a.get(pp, 1, 0, false); // hit
        a.get(pp, 1, 7, false); // miss
        a.flushPage(pp, 1, 1);
        a.flushObject(pp, 9);
        a.flushPage(pp + 100, 1, 1); // NO_POOL: not a flush answered OK

        Json s = a.stats();
        assertThat(s.get("puts")).isEqualTo(3);
        assertThat(s.get("failed_puts")).isZero();
        assertThat(s.get("succ_gets")).isEqualTo(1);
        assertThat(s.get("failed_gets")).isEqualTo(1);
        assertThat(s.get("flushes")).isEqualTo(2);
        assertThat(s.get("evictions")).isZero();
        assertThat(s.get("pages_ephemeral")).isEqualTo(1);
        assertThat(s.get("pages_persistent")).isEqualTo(1);
        assertThat(s.get("bytes_stored")).isEqualTo(2 * 4096);
        assertThat(s.get("bytes_used")).isEqualTo(2 * (4096 + TmemEngine.PAGE_OVERHEAD_BYTES));
        assertThat(s.get("bytes_budget")).isEqualTo(64L << 20);
        assertThat(s.get("bytes_free")).isEqualTo(s.get("bytes_budget") - s.get("bytes_used"));
        assertThat(s.get("clients")).isEqualTo(2);
        assertThat(s.get("pools")).isEqualTo(3);
        assertThat(s.get("connections")).isEqualTo(2);
        assertThat(s.get("rejects_no_pool")).isEqualTo(1);

        assertThat(s.client("puts")).isEqualTo(3);
        assertThat(s.client("succ_gets")).isEqualTo(1);
        assertThat(s.client("failed_gets")).isEqualTo(1);
        assertThat(s.client("flushes")).isEqualTo(2);
        assertThat(s.client("pages_ephemeral")).isEqualTo(1);
        assertThat(s.client("pages_persistent")).isEqualTo(1);
        assertThat(s.client("bytes_stored")).isEqualTo(2 * 4096);
        assertThat(s.client("bytes_used")).isEqualTo(2 * (4096 + TmemEngine.PAGE_OVERHEAD_BYTES));
        assertThat(s.client("weight")).isEqualTo(1);
        assertThat(s.client("cap_pages")).isNull();
        assertThat(s.client("failed_puts")).isZero();
        assertThat(s.client("evictions")).isZero();

        Json sb = b.stats();
        assertThat(sb.client("puts")).isZero();
        assertThat(sb.get("puts")).isEqualTo(3);
    }

    @Test
    void valuesAreNumbersExceptTheClientObject() {
        TestClient a = login("a");
        String json = a.stats().text();
        assertThat(json).startsWith("{").endsWith("}}");
        String top = new Json(json).top();
        assertThat(top.substring(1).split(","))
                .allSatisfy(kv -> assertThat(kv).matches("\"[a-z_]+\":-?\\d+"));
    }

    @Test
    void statsWithAPayloadIsABadRequest() {
        TestClient a = login("a");
        assertThat(a.call(dev.tmem.protocol.RequestHeader.of(dev.tmem.protocol.Op.STATS, 0, 1, 1), new byte[1])
                .status()).isEqualTo(Status.BAD_REQUEST);
    }
}

package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Status;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md "Clients", "Pool ids" and "Shared pools": names, isolation, attachments. */
class ClientsAndSharedPoolsTest extends ServerTestBase {

    @Test
    void connectionsWithTheSameNameShareThatClientsPools() {
        TestClient a = login("svc");
        TestClient b = login("svc");
        int pool = a.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 5);
        assertThat(a.put(pool, 9, 1, page).status()).isEqualTo(Status.OK);
        assertThat(b.get(pool, 9, 1, false).payload()).isEqualTo(page);
        assertThat(b.flushPage(pool, 9, 1).value()).isEqualTo(1);
        assertThat(a.get(pool, 9, 1, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void aClientsPoolsOutliveItsConnections() {
        TestClient first = login("svc");
        int pool = first.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 6);
        first.put(pool, 1, 0, page);
        int number = first.stats().client("puts").intValue();
        first.close();
        TestClient later = login("svc");
        assertThat(later.get(pool, 1, 0, false).payload()).isEqualTo(page);
        assertThat(later.stats().client("puts")).isEqualTo(number);
    }

    @Test
    void aClientWithNothingLeftIsForgottenWhenItsLastConnectionCloses() {
        TestClient observer = login("observer");
        TestClient gone = login("gone");
        int pool = gone.newPool(true, 4096);
        gone.destroyPool(pool);
        assertThat(observer.stats().get("clients")).isEqualTo(2);
        gone.close();
        org.awaitility.Awaitility.await().until(() -> observer.stats().get("clients") == 1);
        TestClient keeper = login("keeper");
        keeper.newPool(true, 4096);
        keeper.close();
        // with a pool it stays known after its connection closed
        org.awaitility.Awaitility.await().until(() -> server.connections() == 1);
        assertThat(observer.stats().get("clients")).isEqualTo(2);
    }

    @Test
    void clientsAttachToASharedPoolByUuidAndSeeEachOthersPages() {
        UUID uuid = UUID.randomUUID();
        TestClient a = login("a");
        TestClient b = login("b");
        TestClient.Response ra = a.attachShared(uuid, 4096);
        TestClient.Response rb = b.attachShared(uuid, 4096);
        assertThat(ra.status()).isEqualTo(Status.OK);
        assertThat(rb.status()).isEqualTo(Status.OK);
        byte[] page = TestClient.page(4096, 7);
        assertThat(a.put(ra.value(), 3, 0, page).status()).isEqualTo(Status.OK);
        // a shared ephemeral hit leaves the page
        assertThat(b.get(rb.value(), 3, 0, false).payload()).isEqualTo(page);
        assertThat(b.get(rb.value(), 3, 0, false).payload()).isEqualTo(page);
        assertThat(a.stats().get("pools")).isEqualTo(1); // one shared pool, counted once
    }

    @Test
    void eachAttachmentGetsANewIdAndOnlyTheLastDetachRemovesPages() {
        UUID uuid = UUID.randomUUID();
        TestClient a = login("a");
        TestClient b = login("b");
        int a1 = a.attachShared(uuid, 4096).value();
        int a2 = a.attachShared(uuid, 4096).value();
        int b1 = b.attachShared(uuid, 4096).value();
        assertThat(a1).isNotEqualTo(a2);
        for (int i = 0; i < 4; i++) {
            a.put(a1, 1, i, TestClient.page(4096, i));
        }
        assertThat(a.destroyPool(a1).value()).isZero();
        assertThat(a.destroyPool(a2).value()).isZero();
        assertThat(a.get(a1, 1, 0, false).status()).isEqualTo(Status.NO_POOL);
        assertThat(b.get(b1, 1, 0, false).payload()).isEqualTo(TestClient.page(4096, 0));
        assertThat(b.destroyPool(b1).value()).isEqualTo(4);
        assertThat(b.stats().get("pools")).isZero();
        // a new attachment to the uuid finds a fresh, empty pool
        int again = b.attachShared(uuid, 4096).value();
        assertThat(b.get(again, 1, 1, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void attachingWithAnotherPageSizeIsABadRequest() {
        UUID uuid = UUID.randomUUID();
        TestClient a = login("a");
        assertThat(a.attachShared(uuid, 4096).status()).isEqualTo(Status.OK);
        assertThat(login("b").attachShared(uuid, 8192).status()).isEqualTo(Status.BAD_REQUEST);
    }

    @Test
    void pagesInASharedPoolAreChargedToTheClientThatPutThem() {
        UUID uuid = UUID.randomUUID();
        TestClient a = login("a");
        TestClient b = login("b");
        int pa = a.attachShared(uuid, 4096).value();
        b.attachShared(uuid, 4096);
        a.put(pa, 1, 0, TestClient.page(4096, 1));
        a.put(pa, 1, 1, TestClient.page(4096, 2));
        assertThat(a.stats().client("pages_ephemeral")).isEqualTo(2);
        assertThat(b.stats().client("pages_ephemeral")).isZero();
        assertThat(b.stats().get("pages_ephemeral")).isEqualTo(2);
    }
}

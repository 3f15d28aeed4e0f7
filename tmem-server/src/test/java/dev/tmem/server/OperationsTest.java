package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Flags;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each op of PROTOCOL.md and each status it can answer, over a real socket. */
class OperationsTest extends ServerTestBase {

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 16384, 32768, 65536})
    void putThenGetReturnsTheSameBytesForEveryPageSize(int pageSize) {
        TestClient c = login("app");
        int pool = c.newPool(true, pageSize);
        byte[] page = TestClient.page(pageSize, pageSize);
        assertThat(c.put(pool, 42, 7, page).status()).isEqualTo(Status.OK);
        TestClient.Response r = c.get(pool, 42, 7, false);
        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.payload()).isEqualTo(page);
    }

    @Test
    void getOfAnAbsentPageIsAMissWithoutPayload() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        TestClient.Response r = c.get(pool, 1, 0, false);
        assertThat(r.status()).isEqualTo(Status.MISS);
        assertThat(r.payload()).isEmpty();
        assertThat(r.value()).isZero();
    }

    @Test
    void aHitOnAPrivateEphemeralPoolRemovesThePage() {
        TestClient c = login("app");
        int pool = c.newPool(false, 4096);
        c.put(pool, 1, 0, TestClient.page(4096, 1));
        assertThat(c.get(pool, 1, 0, false).status()).isEqualTo(Status.OK);
        assertThat(c.get(pool, 1, 0, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void aPersistentPageStaysUnlessTheGetIsExclusive() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 2);
        c.put(pool, 1, 0, page);
        assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(page);
        assertThat(c.get(pool, 1, 0, true).payload()).isEqualTo(page);
        assertThat(c.get(pool, 1, 0, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void aPutReplacesThePageAtTheHandle() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        c.put(pool, 1, 0, TestClient.page(4096, 1));
        byte[] second = TestClient.page(4096, 2);
        c.put(pool, 1, 0, second);
        assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(second);
    }

    @Test
    void handlesUseAllThreeOidWordsAndTheUnsignedIndex() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        byte[] a = TestClient.page(4096, 1);
        byte[] b = TestClient.page(4096, 2);
        c.call(RequestHeader.of(Op.PUT_PAGE, 0, 1, pool, 1, 2, 3, -1, 4096), a);
        c.call(RequestHeader.of(Op.PUT_PAGE, 0, 2, pool, 1, 2, 4, -1, 4096), b);
        assertThat(c.call(RequestHeader.of(Op.GET_PAGE, 0, 3, pool, 1, 2, 3, -1, 0), new byte[0]).payload()).isEqualTo(a);
        assertThat(c.call(RequestHeader.of(Op.GET_PAGE, 0, 4, pool, 1, 2, 4, -1, 0), new byte[0]).payload()).isEqualTo(b);
        assertThat(c.call(RequestHeader.of(Op.GET_PAGE, 0, 5, pool, 1, 2, 3, 0x7FFF_FFFF, 0), new byte[0]).status())
                .isEqualTo(Status.MISS);
    }

    @Test
    void flushPageReportsPagesRemovedAndIsIdempotent() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        c.put(pool, 1, 0, TestClient.page(4096, 1));
        assertThat(c.flushPage(pool, 1, 0).value()).isEqualTo(1);
        assertThat(c.flushPage(pool, 1, 0)).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.OK);
            assertThat(r.value()).isZero();
        });
        assertThat(c.get(pool, 1, 0, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void flushObjectRemovesEveryPageOfTheObjectOnly() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        for (int i = 0; i < 5; i++) {
            c.put(pool, 1, i, TestClient.page(4096, i));
        }
        c.put(pool, 2, 0, TestClient.page(4096, 9));
        assertThat(c.flushObject(pool, 1).value()).isEqualTo(5);
        assertThat(c.flushObject(pool, 1).value()).isZero();
        assertThat(c.get(pool, 1, 3, false).status()).isEqualTo(Status.MISS);
        assertThat(c.get(pool, 2, 0, false).status()).isEqualTo(Status.OK);
    }

    @Test
    void destroyPoolReportsPagesRemovedAndTheIdIsGone() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        for (int i = 0; i < 3; i++) {
            c.put(pool, i, 0, TestClient.page(4096, i));
        }
        assertThat(c.destroyPool(pool).value()).isEqualTo(3);
        assertThat(c.get(pool, 0, 0, false).status()).isEqualTo(Status.NO_POOL);
        assertThat(c.destroyPool(pool).status()).isEqualTo(Status.NO_POOL);
    }

    @Test
    void newPoolAnswersDistinctNonNegativeIds() {
        TestClient c = login("app");
        int a = c.newPool(true, 4096);
        int b = c.newPool(false, 65536);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void badPageShiftIsABadRequest() {
        TestClient c = login("app");
        for (int shift : new int[] {0, 11, 17, 255}) {
            assertThat(c.newPool(0, shift, null).status()).as("shift %d", shift).isEqualTo(Status.BAD_REQUEST);
        }
        assertThat(c.stats().get("pools")).isZero();
    }

    @Test
    void sharedAndPersistentTogetherIsUnsupported() {
        TestClient c = login("app");
        assertThat(c.newPool(Flags.SHARED | Flags.PERSIST, 12, new java.util.UUID(1, 1)).status())
                .isEqualTo(Status.UNSUPPORTED);
    }

    @Test
    void aPoolIdThatIsNotThisClientsGetsNoPool() {
        TestClient c = login("app");
        TestClient other = login("other");
        int theirs = other.newPool(true, 4096);
        other.put(theirs, 1, 0, TestClient.page(4096, 1));
        for (int pool : new int[] {theirs, 5, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThat(c.get(pool, 1, 0, false).status()).as("pool %d", pool).isEqualTo(Status.NO_POOL);
            assertThat(c.put(pool, 1, 0, TestClient.page(4096, 2)).status()).isEqualTo(Status.NO_POOL);
            assertThat(c.flushPage(pool, 1, 0).status()).isEqualTo(Status.NO_POOL);
            assertThat(c.flushObject(pool, 1).status()).isEqualTo(Status.NO_POOL);
            assertThat(c.destroyPool(pool).status()).isEqualTo(Status.NO_POOL);
        }
        // the other client's page is untouched
        assertThat(other.get(theirs, 1, 0, false).payload()).isEqualTo(TestClient.page(4096, 1));
    }

    @Test
    void twoClientsMayBothOwnPoolZero() {
        TestClient a = login("a");
        TestClient b = login("b");
        int pa = a.newPool(true, 4096);
        int pb = b.newPool(true, 4096);
        assertThat(pa).isEqualTo(pb);
        a.put(pa, 1, 0, TestClient.page(4096, 1));
        assertThat(b.get(pb, 1, 0, false).status()).isEqualTo(Status.MISS);
    }

    @Test
    void wrongPayloadSizesAreBadRequests() {
        TestClient c = login("app");
        int pool = c.newPool(true, 8192);
        assertThat(c.put(pool, 1, 0, new byte[4096]).status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(c.put(pool, 1, 0, new byte[8191]).status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(c.call(RequestHeader.of(Op.GET_PAGE, 0, 1, pool, 1, 0, 0, 0, 1), new byte[1]).status())
                .isEqualTo(Status.BAD_REQUEST);
        assertThat(c.call(RequestHeader.of(Op.STATS, 0, 2, 2), new byte[2]).status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(c.call(RequestHeader.of(Op.DESTROY_POOL, 0, 3, pool, 0, 0, 0, 0, 1), new byte[1]).status())
                .isEqualTo(Status.BAD_REQUEST);
        assertThat(c.newPool(0, 12, new java.util.UUID(0, 1)).status()).isEqualTo(Status.BAD_REQUEST); // uuid without SHARED
        assertThat(c.get(pool, 1, 0, false).status()).isEqualTo(Status.MISS); // the bad put stored nothing
        assertThat(c.stats().get("pools")).isEqualTo(1);
    }

    @Test
    void flagsReservedAndUnusedFieldsNotZeroAreBadRequests() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        RequestHeader[] bad = {
            RequestHeader.of(Op.GET_PAGE, 0x02, 1, pool, 1, 0, 0, 0, 0), // undefined flag
            RequestHeader.of(Op.FLUSH_PAGE, 0x01, 2, pool, 1, 0, 0, 0, 0),
            new RequestHeader(40, Op.GET_PAGE.code(), 0, 1, 3, pool, 1, 0, 0, 0), // reserved
            RequestHeader.of(Op.FLUSH_OBJECT, 0, 4, pool, 1, 0, 0, 9, 0), // index unused
            RequestHeader.of(Op.DESTROY_POOL, 0, 5, pool, 1, 0, 0, 0, 0), // oid unused
            RequestHeader.of(Op.STATS, 0, 6, 7, 0, 0, 0, 0, 0), // pool unused
            RequestHeader.of(Op.PING, 0, 7, 0, 0, 0, 1, 0, 0), // oid2 unused
        };
        for (RequestHeader h : bad) {
            assertThat(c.call(h, new byte[0]).status()).as("%s", h).isEqualTo(Status.BAD_REQUEST);
        }
        assertThat(c.stats().get("pools")).isEqualTo(1); // the destroy did nothing
        assertThat(c.ping(new byte[] {1}).status()).isEqualTo(Status.OK); // and the connection is open
    }

    @Test
    void checksRunInTheProtocolsOrder() {
        TestClient c = login("app");
        // flags before pool: an unknown pool with a bad flag is a bad request
        assertThat(c.call(RequestHeader.of(Op.GET_PAGE, 0x80, 1, 9, 1, 0, 0, 0, 0), new byte[0]).status())
                .isEqualTo(Status.BAD_REQUEST);
        // op before flags: an unknown op with flags is unsupported
        assertThat(c.call(new RequestHeader(40, 8, 0xFF, 0, 2, 0, 0, 0, 0, 0), new byte[0]).status())
                .isEqualTo(Status.UNSUPPORTED);
        // pool before payload: an unknown pool with a wrong payload is no pool
        assertThat(c.call(RequestHeader.of(Op.PUT_PAGE, 0, 3, 9, 1, 0, 0, 0, 10), new byte[10]).status())
                .isEqualTo(Status.NO_POOL);
        // payload before option: SHARED|PERSIST with a bad page shift is a bad request
        assertThat(c.newPool(Flags.SHARED | Flags.PERSIST, 3, new java.util.UUID(0, 0)).status())
                .isEqualTo(Status.BAD_REQUEST);
    }

    @Test
    void unknownOpsAreUnsupportedAndEchoTheirOpAndTag() {
        TestClient c = login("app");
        for (int op : new int[] {0, 3, 8, 31, 35, 200, 255}) {
            TestClient.Response r = c.call(new RequestHeader(40, op, 0, 0, 1000 + op, 0, 0, 0, 0, 0), new byte[0]);
            assertThat(r.status()).isEqualTo(Status.UNSUPPORTED);
            assertThat(r.header().op()).isEqualTo(op);
        }
        assertThat(c.ping(new byte[0]).status()).isEqualTo(Status.OK);
    }

    @Test
    void pingEchoesUpTo4096Bytes() {
        TestClient c = login("app");
        byte[] p = TestClient.page(4096, 3);
        assertThat(c.ping(p).payload()).isEqualTo(p);
        assertThat(c.ping(new byte[0]).payload()).isEmpty();
        assertThat(c.ping(new byte[4097]).status()).isEqualTo(Status.BAD_REQUEST);
    }
}

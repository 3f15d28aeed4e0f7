package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestEncoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROTOCOL.md "Framing" and "Connection rules" 2 and 3: lengths, pipelining, half frames, garbage.
 * Each test also checks that the server stays up and other clients are unharmed.
 */
class FramingTest extends ServerTestBase {

    /** A bystander with a page: after each test its page must still be there and intact. */
    private void assertBystanderUnharmed(TestClient bystander, int pool, byte[] page) {
        assertThat(bystander.get(pool, 1, 0, false).payload()).isEqualTo(page);
        assertThat(login("fresh").ping(new byte[] {1, 2}).payload()).containsExactly(1, 2);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 39, 40 + 65537, 1 << 24, 0xFFFF_FFFFL})
    void aLengthOutOfRangeGetsTooLargeWithZeroFieldsAndCloses(long length) {
        TestClient bystander = login("bystander");
        int pool = bystander.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 1);
        bystander.put(pool, 1, 0, page);

        TestClient c = login("app");
        // a valid request first: its answer comes before TOO_LARGE
        int tag = c.nextTag();
        c.write(RequestHeader.of(Op.PING, 0, tag, 0), new byte[0]);
        c.sendRaw(ByteBuffer.allocate(8).putInt((int) length).putInt(0x01020304).array());
        assertThat(c.readFor(Op.PING.code(), tag).status()).isEqualTo(Status.OK);
        TestClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(Status.TOO_LARGE);
        assertThat(r.header().op()).isZero();
        assertThat(r.header().tag()).isZero();
        assertThat(r.value()).isZero();
        assertThat(r.payload()).isEmpty();
        assertThat(c.closedByServer()).isTrue();
        assertBystanderUnharmed(bystander, pool, page);
    }

    @Test
    void tooLargeBeforeHelloAlsoAnswersAndCloses() {
        TestClient c = connect();
        c.sendRaw(new byte[] {0, 0, 0, 5});
        assertThat(c.read().status()).isEqualTo(Status.TOO_LARGE);
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void theLargestFrameIsAccepted() {
        TestClient c = login("app");
        int pool = c.newPool(true, 65536);
        byte[] page = TestClient.page(65536, 3);
        assertThat(c.put(pool, 1, 0, page).status()).isEqualTo(Status.OK); // length 40 + 65536
        assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(page);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        SplittableRandom rnd = new SplittableRandom(42);
        List<int[]> expected = new ArrayList<>(); // {op, tag, status}
        List<byte[]> expectedPayload = new ArrayList<>();
        byte[][] model = new byte[8][];
        for (int i = 0; i < 400; i++) {
            int tag = c.nextTag();
            int index = rnd.nextInt(8);
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    byte[] page = TestClient.page(4096, rnd.nextLong());
                    c.write(RequestHeader.of(Op.PUT_PAGE, 0, tag, pool, 5, 0, 0, index, 4096), page);
                    model[index] = page;
                    expected.add(new int[] {Op.PUT_PAGE.code(), tag, Status.OK.code()});
                    expectedPayload.add(new byte[0]);
                }
                case 1 -> {
                    c.write(RequestHeader.of(Op.GET_PAGE, 0, tag, pool, 5, 0, 0, index, 0), new byte[0]);
                    expected.add(new int[] {Op.GET_PAGE.code(), tag, (model[index] != null ? Status.OK : Status.MISS).code()});
                    expectedPayload.add(model[index] != null ? model[index] : new byte[0]);
                }
                case 2 -> {
                    c.write(RequestHeader.of(Op.FLUSH_PAGE, 0, tag, pool, 5, 0, 0, index, 0), new byte[0]);
                    model[index] = null;
                    expected.add(new int[] {Op.FLUSH_PAGE.code(), tag, Status.OK.code()});
                    expectedPayload.add(new byte[0]);
                }
                case 3 -> {
                    byte[] p = TestClient.page(rnd.nextInt(100), i);
                    c.write(RequestHeader.of(Op.PING, 0, tag, p.length), p);
                    expected.add(new int[] {Op.PING.code(), tag, Status.OK.code()});
                    expectedPayload.add(p);
                }
                case 4 -> {
                    c.write(new RequestHeader(40, 77, 0, 0, tag, 0, 0, 0, 0, 0), new byte[0]);
                    expected.add(new int[] {77, tag, Status.UNSUPPORTED.code()});
                    expectedPayload.add(new byte[0]);
                }
                default -> {
                    c.write(RequestHeader.of(Op.GET_PAGE, 0, tag, pool + 1, 5, 0, 0, index, 0), new byte[0]);
                    expected.add(new int[] {Op.GET_PAGE.code(), tag, Status.NO_POOL.code()});
                    expectedPayload.add(new byte[0]);
                }
            }
        }
        c.flush();
        for (int i = 0; i < expected.size(); i++) {
            int[] e = expected.get(i);
            TestClient.Response r = c.readFor(e[0], e[1]);
            assertThat(r.header().status()).as("answer %d", i).isEqualTo(e[2]);
            assertThat(r.payload()).as("answer %d", i).isEqualTo(expectedPayload.get(i));
        }
    }

    @Test
    void framesSplitIntoSingleBytesAreReassembled() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 4);
        byte[] frame = RequestEncoder.encode(RequestHeader.of(Op.PUT_PAGE, 0, 1, pool, 1, 0, 0, 0, 4096), page);
        for (int i = 0; i < 100; i++) {
            c.sendRaw(new byte[] {frame[i]});
        }
        c.sendRaw(java.util.Arrays.copyOfRange(frame, 100, frame.length));
        assertThat(c.readFor(Op.PUT_PAGE.code(), 1).status()).isEqualTo(Status.OK);
        assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(page);
    }

    @Test
    void aConnectionThatClosesMidFrameHasNoEffect() {
        TestClient bystander = login("bystander");
        int bpool = bystander.newPool(true, 4096);
        byte[] bpage = TestClient.page(4096, 1);
        bystander.put(bpool, 1, 0, bpage);

        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        byte[] old = TestClient.page(4096, 2);
        c.put(pool, 1, 0, old);
        // a put that would replace the page, a flush that would remove it, and a destroy: all cut short
        byte[] put = RequestEncoder.encode(RequestHeader.of(Op.PUT_PAGE, 0, 9, pool, 1, 0, 0, 0, 4096),
                TestClient.page(4096, 3));
        c.sendRaw(java.util.Arrays.copyOf(put, put.length - 1));
        c.close();
        for (byte[] half : new byte[][] {
            java.util.Arrays.copyOf(RequestEncoder.encode(RequestHeader.of(Op.FLUSH_PAGE, 0, 9, pool, 1, 0, 0, 0, 0),
                    new byte[0]), 43),
            java.util.Arrays.copyOf(RequestEncoder.encode(RequestHeader.of(Op.DESTROY_POOL, 0, 9, pool, 0, 0, 0, 0, 0),
                    new byte[0]), 20),
            new byte[] {0, 0},
        }) {
            TestClient d = login("app");
            d.sendRaw(half);
            d.close();
        }
        TestClient again = login("app");
        assertThat(again.get(pool, 1, 0, false).payload()).isEqualTo(old);
        assertBystanderUnharmed(bystander, bpool, bpage);
    }

    @Test
    void garbageBytesNeverTakeTheServerDownOrHarmOthers() {
        TestClient bystander = login("bystander");
        int pool = bystander.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 1);
        bystander.put(pool, 1, 0, page);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 40; i++) {
            TestClient g = i % 2 == 0 ? connect() : login("garbage-" + i);
            ByteArrayOutputStream junk = new ByteArrayOutputStream();
            int n = 1 + rnd.nextInt(3000);
            for (int j = 0; j < n; j++) {
                junk.write(rnd.nextInt(256));
            }
            if (i % 4 == 1) {
                // a plausible length so that the garbage is read as frames, not refused at once
                byte[] b = junk.toByteArray();
                ByteBuffer.wrap(b).putInt(0, Math.min(40 + rnd.nextInt(200), Math.max(40, b.length - 4)));
                junk.reset();
                junk.writeBytes(b);
            }
            try {
                g.sendRaw(junk.toByteArray());
            } catch (java.io.UncheckedIOException closedAlready) {
                // the server may have closed the connection while we were still writing: fine
            }
            g.close();
            assertThat(bystander.ping(new byte[] {(byte) i}).payload()).containsExactly((byte) i);
        }
        assertBystanderUnharmed(bystander, pool, page);
        assertThat(bystander.stats().get("internal_errors")).isZero();
    }

    @Test
    void afterABadRequestTheNextRequestIsRead() {
        TestClient c = login("app");
        int tag1 = c.nextTag();
        int tag2 = c.nextTag();
        c.write(RequestHeader.of(Op.STATS, 1, tag1, 0), new byte[0]); // undefined flag
        c.write(RequestHeader.of(Op.PING, 0, tag2, 1), new byte[] {9});
        c.flush();
        assertThat(c.readFor(Op.STATS.code(), tag1).status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(c.readFor(Op.PING.code(), tag2).payload()).containsExactly(9);
    }
}

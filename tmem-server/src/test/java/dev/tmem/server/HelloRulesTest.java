package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Hello;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md, "Connection rules" 1 and the HELLO op: login, tokens, versions, names. */
class HelloRulesTest {

    @Nested
    class WithoutToken extends ServerTestBase {

        @Test
        void helloAnswersTheClientNumberAndTheServersNameAndVersion() {
            TestClient c = connect();
            TestClient.Response r = c.hello("app", "");
            assertThat(r.status()).isEqualTo(Status.OK);
            assertThat(r.value()).isNotNegative();
            assertThat(r.text()).startsWith("tmem-server ");
        }

        @Test
        void anyTokenIsAcceptedWhenTheServerHasNone() {
            assertThat(connect().hello("app", "whatever").status()).isEqualTo(Status.OK);
        }

        @Test
        void everyOtherOpBeforeHelloIsDeniedAndTheConnectionClosed() {
            for (Op op : Op.values()) {
                if (op == Op.HELLO) {
                    continue;
                }
                TestClient c = connect();
                RequestHeader h = RequestHeader.of(op, 0, 77, 0);
                assertThat(c.call(h, new byte[0]).status()).as("%s", op).isEqualTo(Status.DENIED);
                assertThat(c.closedByServer()).as("%s closes", op).isTrue();
            }
        }

        @Test
        void unknownOpBeforeHelloIsDeniedSinceLoginIsJudgedFirst() {
            TestClient c = connect();
            var h = new RequestHeader(40, 99, 0, 0, 5, 0, 0, 0, 0, 0);
            assertThat(c.call(h, new byte[0]).status()).isEqualTo(Status.DENIED);
            assertThat(c.closedByServer()).isTrue();
        }

        @Test
        void malformedHelloIsABadRequestAndTheConnectionClosed() {
            byte[] ok = Hello.of("app", "").encodePayload();
            byte[][] bad = {
                new byte[0],
                java.util.Arrays.copyOf(ok, ok.length + 1), // a byte after the token
                java.util.Arrays.copyOf(ok, ok.length - 1), // token length past the end
                ByteBuffer.allocate(6).putShort((short) 1).array(), // empty name
                ByteBuffer.allocate(7).putShort((short) 1).putShort((short) 1).put((byte) 0xFF).array(), // not UTF-8
                Hello.of("x".repeat(65), "").encodePayload(), // 65-byte name
            };
            for (byte[] p : bad) {
                TestClient c = connect();
                assertThat(c.call(RequestHeader.of(Op.HELLO, 0, 1, p.length), p).status()).isEqualTo(Status.BAD_REQUEST);
                assertThat(c.closedByServer()).isTrue();
            }
        }

        @Test
        void helloWithFlagsOrFieldsSetIsABadRequestAndCloses() {
            byte[] p = Hello.of("app", "").encodePayload();
            TestClient c = connect();
            assertThat(c.call(RequestHeader.of(Op.HELLO, 1, 1, p.length), p).status()).isEqualTo(Status.BAD_REQUEST);
            assertThat(c.closedByServer()).isTrue();
            TestClient d = connect();
            assertThat(d.call(RequestHeader.of(Op.HELLO, 0, 1, 3, 0, 0, 0, 0, p.length), p).status())
                    .isEqualTo(Status.BAD_REQUEST);
            assertThat(d.closedByServer()).isTrue();
        }

        @Test
        void unsupportedVersionIsDeniedAndTheConnectionClosed() {
            TestClient c = connect();
            byte[] p = new Hello(2, "app", new byte[0]).encodePayload();
            assertThat(c.call(RequestHeader.of(Op.HELLO, 0, 1, p.length), p).status()).isEqualTo(Status.DENIED);
            assertThat(c.closedByServer()).isTrue();
        }

        @Test
        void secondHelloIsABadRequestAndChangesNothing() {
            TestClient c = connect();
            int number = c.hello("first", "").value();
            int pool = c.newPool(true, 4096);
            assertThat(c.hello("second", "").status()).isEqualTo(Status.BAD_REQUEST);
            // still open, still "first": its pool is there
            assertThat(c.put(pool, 1, 0, TestClient.page(4096, 1)).status()).isEqualTo(Status.OK);
            assertThat(c.stats().clientObject()).contains("\"puts\":1");
            assertThat(connect().hello("first", "").value()).isEqualTo(number);
        }

        @Test
        void connectionsWithTheSameNameGetTheSameClientNumber() {
            TestClient a = connect();
            TestClient b = connect();
            TestClient other = connect();
            int na = a.hello("same", "").value();
            assertThat(b.hello("same", "").value()).isEqualTo(na);
            assertThat(other.hello("other", "").value()).isNotEqualTo(na);
        }

        @Test
        void namesAreUtf8UpTo64Bytes() {
            String name = "é".repeat(32);
            assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(64);
            assertThat(connect().hello(name, "").status()).isEqualTo(Status.OK);
        }
    }

    @Nested
    class WithToken extends ServerTestBase {

        @Override
        ServerConfig.Builder configure(ServerConfig.Builder b) {
            return b.token("s3cret");
        }

        @Test
        void theRightTokenLogsIn() {
            assertThat(connect().hello("app", "s3cret").status()).isEqualTo(Status.OK);
        }

        @Test
        void aWrongTokenIsDeniedAndTheConnectionClosed() {
            for (String token : new String[] {"", "s3cre", "s3cret!", "S3CRET", "x"}) {
                TestClient c = connect();
                assertThat(c.hello("app", token).status()).as("token '%s'", token).isEqualTo(Status.DENIED);
                assertThat(c.closedByServer()).isTrue();
            }
        }

        @Test
        void aDeniedHelloLeavesNoClientBehind() {
            TestClient c = connect();
            assertThat(c.hello("intruder", "nope").status()).isEqualTo(Status.DENIED);
            assertThat(c.closedByServer()).isTrue();
            TestClient ok = connect();
            ok.hello("app", "s3cret");
            assertThat(ok.stats().get("clients")).isEqualTo(1);
            assertThat(ok.stats().get("rejects_bad_token")).isEqualTo(1);
        }
    }
}

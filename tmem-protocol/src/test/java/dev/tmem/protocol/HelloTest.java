package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HELLO payload: version, name, token, nothing after; each way it can be malformed. */
class HelloTest {

    static Violation judge(byte[] payload) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> Hello.decode(ByteBuffer.wrap(payload)));
        return e == null ? null : e.violation();
    }

    static byte[] raw(int version, int n, byte[] name, int m, byte[] token) {
        return ByteBuffer.allocate(6 + name.length + token.length)
                .putShort((short) version).putShort((short) n).put(name).putShort((short) m).put(token).array();
    }

    @Test
    void roundTripsNameAndToken() throws ProtocolException {
        Hello h = new Hello(1, "ünïcødé-client", new byte[] {0, -1, 7});
        Hello back = Hello.decode(ByteBuffer.wrap(h.encodePayload()));
        assertThat(back).isEqualTo(h);
        assertThat(back.token()).containsExactly(0, -1, 7);
        assertThat(back.toString()).doesNotContain("-1").contains("3 bytes");
    }

    @Test
    void layoutIsVersionNameLengthNameTokenLengthToken() {
        assertThat(Hello.of("ab", "xyz").encodePayload()).containsExactly(0, 1, 0, 2, 'a', 'b', 0, 3, 'x', 'y', 'z');
    }

    @Test
    void emptyTokenIsWellFormed() throws ProtocolException {
        assertThat(Hello.decode(ByteBuffer.wrap(Hello.of("a", "").encodePayload())).token()).isEmpty();
    }

    @Test
    void nameOf64BytesIsAcceptedAnd65IsNot() throws ProtocolException {
        String name64 = "é".repeat(32); // 64 bytes of UTF-8
        assertThat(Hello.decode(ByteBuffer.wrap(Hello.of(name64, "").encodePayload())).name()).isEqualTo(name64);
        assertThat(judge(Hello.of(name64 + "x", "").encodePayload()).rule()).isEqualTo(Rule.HELLO_MALFORMED);
    }

    @Test
    void emptyNameIsMalformed() {
        assertThat(judge(raw(1, 0, new byte[0], 0, new byte[0])).rule()).isEqualTo(Rule.HELLO_MALFORMED);
    }

    @Test
    void invalidUtf8NameIsMalformed() {
        byte[] bad = {'a', (byte) 0xC3}; // truncated two-byte sequence
        Violation v = judge(raw(1, 2, bad, 0, new byte[0]));
        assertThat(v.rule()).isEqualTo(Rule.HELLO_MALFORMED);
        assertThat(v.detail()).contains("UTF-8");
        byte[] overlong = {(byte) 0xC0, (byte) 0x80};
        assertThat(judge(raw(1, 2, overlong, 0, new byte[0])).rule()).isEqualTo(Rule.HELLO_MALFORMED);
    }

    @Test
    void otherVersionIsDenied() {
        for (int version : new int[] {0, 2, 0xFFFF}) {
            Violation v = judge(raw(version, 1, new byte[] {'a'}, 0, new byte[0]));
            assertThat(v.rule()).isEqualTo(Rule.HELLO_VERSION);
            assertThat(v.status()).isEqualTo(Status.DENIED);
        }
    }

    @Test
    void truncatedPayloadsAreMalformed() {
        byte[] ok = Hello.of("name", "token").encodePayload();
        for (int n = 0; n < ok.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(ok, n);
            assertThat(judge(cut)).as("%d bytes", n).extracting(Violation::rule).isEqualTo(Rule.HELLO_MALFORMED);
        }
    }

    @Test
    void bytesAfterTheTokenAreMalformed() {
        byte[] ok = Hello.of("name", "token").encodePayload();
        Violation v = judge(java.util.Arrays.copyOf(ok, ok.length + 1));
        assertThat(v.rule()).isEqualTo(Rule.HELLO_MALFORMED);
        assertThat(v.detail()).contains("token of 5 bytes but 6 bytes remain");
    }

    @Test
    void nameLengthPastTheEndIsMalformed() {
        assertThat(judge(raw(1, 9, "abc".getBytes(StandardCharsets.UTF_8), 0, new byte[0])).rule())
                .isEqualTo(Rule.HELLO_MALFORMED);
    }

    @Test
    void decodeReadsFromPositionAndMovesNothing() throws ProtocolException {
        byte[] p = Hello.of("x", "y").encodePayload();
        byte[] framed = new byte[p.length + 5];
        System.arraycopy(p, 0, framed, 3, p.length);
        ByteBuffer b = ByteBuffer.wrap(framed, 3, p.length);
        assertThat(Hello.decode(b).name()).isEqualTo("x");
        assertThat(b.position()).isEqualTo(3);
    }
}

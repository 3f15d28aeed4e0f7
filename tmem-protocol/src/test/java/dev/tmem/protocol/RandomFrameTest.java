package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Seeded random frames against a plain reference judge written from PROTOCOL.md's tables. The
 * iteration count grows with {@code -Dtmem.fuzz.iterations=N} for longer runs.
 */
class RandomFrameTest {

    private static final long SEED = Long.getLong("tmem.fuzz.seed", 0x7E3E_5EEDL);
    private static final int ITERATIONS = Integer.getInteger("tmem.fuzz.iterations", 20_000);
    private static final int PAGE_SIZE = 4096;

    @Test
    void wellFormedRequestsRoundTripAndPass() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            Op op = Op.values()[rnd.nextInt(Op.values().length)];
            int flags = rnd.nextInt(256) & op.flagMask();
            if (op == Op.NEW_POOL && flags == (Flags.SHARED | Flags.PERSIST)) {
                flags = Flags.SHARED;
            }
            byte[] payload = validPayload(op, flags, rnd);
            int uses = op.uses();
            RequestHeader h = RequestHeader.of(op, flags, rnd.nextInt(),
                    (uses & Op.USES_POOL) != 0 ? rnd.nextInt() : 0,
                    (uses & Op.USES_OID) != 0 ? rnd.nextLong() : 0,
                    (uses & Op.USES_OID) != 0 ? rnd.nextLong() : 0,
                    (uses & Op.USES_OID) != 0 ? rnd.nextLong() : 0,
                    (uses & Op.USES_INDEX) != 0 ? rnd.nextInt() : 0,
                    payload.length);
            byte[] frame = RequestEncoder.encode(h, payload);
            ByteBuffer b = ByteBuffer.wrap(frame);
            assertThat(RequestDecoder.readLength(b, 0)).isEqualTo(frame.length - 4);
            assertThat(RequestDecoder.checkLength(RequestDecoder.readLength(b, 0))).isNull();
            RequestHeader back = RequestDecoder.decodeHeader(b);
            assertThat(back).isEqualTo(h);
            assertThat(RequestDecoder.checkHeader(back)).as("%s", back).isNull();
            assertThat(RequestDecoder.checkPayload(back, b.slice(44, payload.length), PAGE_SIZE)).isNull();
            assertThat(reference(frame, PAGE_SIZE)).isNull();
        }
    }

    @Test
    void randomFramesGetTheReferenceJudgesRule() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int[] seen = new int[Rule.values().length + 1];
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] frame = randomFrame(rnd);
            Rule expected = reference(frame, PAGE_SIZE);
            Rule actual = decode(frame, PAGE_SIZE);
            assertThat(actual).as("frame %s", java.util.HexFormat.of().formatHex(frame, 0, Math.min(64, frame.length)))
                    .isEqualTo(expected);
            seen[actual == null ? Rule.values().length : actual.ordinal()]++;
        }
        // the generator reaches every rule the decoder judges, and valid frames too
        for (Rule r : new Rule[] {Rule.LENGTH_BELOW_MIN, Rule.LENGTH_ABOVE_MAX, Rule.UNKNOWN_OP,
                Rule.UNDEFINED_FLAGS, Rule.RESERVED_NOT_ZERO, Rule.UNUSED_POOL_NOT_ZERO, Rule.UNUSED_OID_NOT_ZERO,
                Rule.UNUSED_INDEX_NOT_ZERO, Rule.PAYLOAD_SIZE, Rule.BAD_PAGE_SHIFT, Rule.HELLO_MALFORMED,
                Rule.HELLO_VERSION, Rule.SHARED_PERSISTENT}) {
            assertThat(seen[r.ordinal()]).as("frames breaking %s", r).isPositive();
        }
        assertThat(seen[Rule.values().length]).as("valid frames").isPositive();
    }

    @Test
    void arbitraryBytesNeverThrow() {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] frame = new byte[44 + rnd.nextInt(200)];
            rnd.nextBytes(frame);
            decode(frame, PAGE_SIZE); // any rule or none, but never an exception
            byte[] resp = new byte[16 + rnd.nextInt(20)];
            rnd.nextBytes(resp);
            ResponseDecoder.checkHeader(ResponseDecoder.decodeHeader(ByteBuffer.wrap(resp)));
        }
    }

    /** What the decoder says of a whole frame, checking as a server does (the pool always resolves). */
    static Rule decode(byte[] frame, int pageSize) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        Violation v = RequestDecoder.checkLength(RequestDecoder.readLength(b, 0));
        if (v != null) {
            return v.rule();
        }
        RequestHeader h = RequestDecoder.decodeHeader(b);
        v = RequestDecoder.checkHeader(h);
        if (v != null) {
            return v.rule();
        }
        v = RequestDecoder.checkPayload(h, b.slice(44, frame.length - 44), pageSize);
        return v == null ? null : v.rule();
    }

    /** PROTOCOL.md read literally, byte by byte; frames here always carry as many bytes as they say. */
    static Rule reference(byte[] f, int pageSize) {
        ByteBuffer b = ByteBuffer.wrap(f);
        long length = b.getInt(0) & 0xFFFF_FFFFL;
        if (length < 40) {
            return Rule.LENGTH_BELOW_MIN;
        }
        if (length > 40 + 65536) {
            return Rule.LENGTH_ABOVE_MAX;
        }
        int op = f[4] & 0xFF;
        int flags = f[5] & 0xFF;
        boolean usesPool;
        boolean usesOid;
        boolean usesIndex;
        int allowedFlags;
        switch (op) {
            case 1 -> { usesPool = false; usesOid = false; usesIndex = false; allowedFlags = 3; }
            case 2 -> { usesPool = true; usesOid = false; usesIndex = false; allowedFlags = 0; }
            case 4, 6 -> { usesPool = true; usesOid = true; usesIndex = true; allowedFlags = 0; }
            case 5 -> { usesPool = true; usesOid = true; usesIndex = true; allowedFlags = 1; }
            case 7 -> { usesPool = true; usesOid = true; usesIndex = false; allowedFlags = 0; }
            case 32, 33, 34 -> { usesPool = false; usesOid = false; usesIndex = false; allowedFlags = 0; }
            default -> { return Rule.UNKNOWN_OP; }
        }
        if ((flags | allowedFlags) != allowedFlags) {
            return Rule.UNDEFINED_FLAGS;
        }
        if (f[6] != 0 || f[7] != 0) {
            return Rule.RESERVED_NOT_ZERO;
        }
        if (!usesPool && b.getInt(12) != 0) {
            return Rule.UNUSED_POOL_NOT_ZERO;
        }
        if (!usesOid && (b.getLong(16) != 0 || b.getLong(24) != 0 || b.getLong(32) != 0)) {
            return Rule.UNUSED_OID_NOT_ZERO;
        }
        if (!usesIndex && b.getInt(40) != 0) {
            return Rule.UNUSED_INDEX_NOT_ZERO;
        }
        int n = (int) length - 40;
        byte[] p = Arrays.copyOfRange(f, 44, 44 + n);
        return switch (op) {
            case 1 -> {
                boolean shared = (flags & 2) != 0;
                if (n != (shared ? 17 : 1)) {
                    yield Rule.PAYLOAD_SIZE;
                }
                if (p[0] < 12 || p[0] > 16) {
                    yield Rule.BAD_PAGE_SHIFT;
                }
                yield flags == 3 ? Rule.SHARED_PERSISTENT : null;
            }
            case 2, 5, 6, 7, 33 -> n == 0 ? null : Rule.PAYLOAD_SIZE;
            case 4 -> n == pageSize ? null : Rule.PAYLOAD_SIZE;
            case 34 -> n <= 4096 ? null : Rule.PAYLOAD_SIZE;
            default -> referenceHello(p);
        };
    }

    static Rule referenceHello(byte[] p) {
        if (p.length < 2) {
            return Rule.HELLO_MALFORMED;
        }
        if (((p[0] & 0xFF) << 8 | (p[1] & 0xFF)) != 1) {
            return Rule.HELLO_VERSION;
        }
        if (p.length < 4) {
            return Rule.HELLO_MALFORMED;
        }
        int n = (p[2] & 0xFF) << 8 | (p[3] & 0xFF);
        if (n < 1 || n > 64 || p.length < 4 + n + 2) {
            return Rule.HELLO_MALFORMED;
        }
        byte[] name = Arrays.copyOfRange(p, 4, 4 + n);
        if (!Arrays.equals(new String(name, java.nio.charset.StandardCharsets.UTF_8)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), name)) {
            return Rule.HELLO_MALFORMED; // malformed UTF-8 does not survive a round trip
        }
        int m = (p[4 + n] & 0xFF) << 8 | (p[5 + n] & 0xFF);
        return p.length == 6 + n + m ? null : Rule.HELLO_MALFORMED;
    }

    /** A frame near the valid ones: a valid frame with zero to two random corruptions. */
    static byte[] randomFrame(SplittableRandom rnd) {
        Op op = Op.values()[rnd.nextInt(Op.values().length)];
        int flags = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(256) & op.flagMask();
        byte[] payload = rnd.nextInt(4) == 0 ? randomBytes(rnd, rnd.nextInt(5) == 0 ? 4096 : rnd.nextInt(40))
                : validPayload(op, flags, rnd);
        if (op == Op.HELLO && rnd.nextInt(3) == 0) {
            payload = mutate(payload, rnd);
        }
        if (op == Op.NEW_POOL && payload.length > 0 && rnd.nextBoolean()) {
            payload[0] = (byte) (10 + rnd.nextInt(9));
        }
        int code = rnd.nextInt(8) == 0 ? rnd.nextInt(256) : op.code();
        RequestHeader h = new RequestHeader(40 + payload.length, code, flags, rnd.nextInt(8) == 0 ? rnd.nextInt(65536) : 0,
                rnd.nextInt(), rnd.nextInt(3) == 0 ? rnd.nextInt() : 0,
                rnd.nextInt(3) == 0 ? rnd.nextLong() : 0, rnd.nextInt(6) == 0 ? 1L << rnd.nextInt(64) : 0,
                rnd.nextInt(6) == 0 ? rnd.nextLong() : 0, rnd.nextInt(3) == 0 ? rnd.nextInt() : 0);
        byte[] frame = RequestEncoder.encode(h, payload);
        if (rnd.nextInt(20) == 0) {
            long bad = rnd.nextBoolean() ? rnd.nextInt(40) : 40 + 65537 + (rnd.nextLong() & 0x7FFF_FFFFL);
            ByteBuffer.wrap(frame).putInt(0, (int) bad);
        }
        return frame;
    }

    static byte[] validPayload(Op op, int flags, SplittableRandom rnd) {
        return switch (op) {
            case NEW_POOL -> (flags & Flags.SHARED) != 0
                    ? NewPool.ofShared(new UUID(rnd.nextLong(), rnd.nextLong()), 12 + rnd.nextInt(5)).encodePayload()
                    : NewPool.ofPrivate((flags & Flags.PERSIST) != 0, 12 + rnd.nextInt(5)).encodePayload();
            case PUT_PAGE -> randomBytes(rnd, PAGE_SIZE);
            case HELLO -> new Hello(1, randomName(rnd), randomBytes(rnd, rnd.nextInt(40))).encodePayload();
            case PING -> randomBytes(rnd, rnd.nextInt(10) == 0 ? 4096 : rnd.nextInt(100));
            default -> new byte[0];
        };
    }

    static String randomName(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(20);
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(5) == 0 ? 'é' : (char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    static byte[] randomBytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] mutate(byte[] p, SplittableRandom rnd) {
        if (p.length == 0 || rnd.nextInt(4) == 0) {
            return Arrays.copyOf(p, Math.max(0, p.length + rnd.nextInt(5) - 2));
        }
        byte[] c = p.clone();
        c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
        return c;
    }
}

package dev.tmem.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and judges requests. A server reads the length field ({@link #checkLength}), waits for the
 * whole frame, reads the header ({@link #decodeHeader}), and checks it in the protocol's order:
 * {@link #checkHeader} (op, flags, reserved and unused fields), then, once it has resolved the
 * pool, {@link #checkPayload} (payload size, and the payload rules of NEW_POOL and HELLO). Each check
 * returns {@code null} when the request keeps its rules, else the first rule it breaks. The checks
 * allocate nothing on success.
 *
 * <p>All methods are static and thread-safe; none moves a buffer's position or changes its order.
 */
public final class RequestDecoder {

    private RequestDecoder() {}

    /** The u32 length field at {@code index} of {@code buf}, as an unsigned value. */
    public static long readLength(ByteBuffer buf, int index) {
        return Integer.toUnsignedLong(bigEndian(buf).getInt(index));
    }

    /**
     * Judges a length field: a request is {@value RequestLayout#MIN_LENGTH} to
     * {@value RequestLayout#MAX_LENGTH} bytes after it.
     *
     * @param length the unsigned value of the field
     * @return {@code null}, or {@link Rule#LENGTH_BELOW_MIN} / {@link Rule#LENGTH_ABOVE_MAX}
     */
    public static Violation checkLength(long length) {
        if (length < RequestLayout.MIN_LENGTH) {
            return new Violation(Rule.LENGTH_BELOW_MIN, "length " + length);
        }
        if (length > RequestLayout.MAX_LENGTH) {
            return new Violation(Rule.LENGTH_ABOVE_MAX, "length " + length);
        }
        return null;
    }

    /**
     * Reads the 44-byte header that starts at {@code buf.position()} (length field included).
     *
     * @throws IndexOutOfBoundsException if fewer than 44 bytes remain
     */
    public static RequestHeader decodeHeader(ByteBuffer buf) {
        ByteBuffer b = bigEndian(buf);
        int at = b.position();
        if (b.limit() - at < RequestLayout.HEADER_BYTES) {
            throw new IndexOutOfBoundsException("a request header is " + RequestLayout.HEADER_BYTES
                    + " bytes, " + (b.limit() - at) + " remain");
        }
        return new RequestHeader(
                b.getInt(at + RequestLayout.LENGTH_OFFSET),
                b.get(at + RequestLayout.OP_OFFSET) & 0xFF,
                b.get(at + RequestLayout.FLAGS_OFFSET) & 0xFF,
                b.getShort(at + RequestLayout.RESERVED_OFFSET) & 0xFFFF,
                b.getInt(at + RequestLayout.TAG_OFFSET),
                b.getInt(at + RequestLayout.POOL_OFFSET),
                b.getLong(at + RequestLayout.OID0_OFFSET),
                b.getLong(at + RequestLayout.OID1_OFFSET),
                b.getLong(at + RequestLayout.OID2_OFFSET),
                b.getInt(at + RequestLayout.INDEX_OFFSET));
    }

    /**
     * Judges the op, then the flags, the reserved field and the fields the op does not use, in that
     * order. Assumes the length passed {@link #checkLength}.
     */
    public static Violation checkHeader(RequestHeader h) {
        Op op = Op.of(h.op());
        if (op == null) {
            return new Violation(Rule.UNKNOWN_OP, "op " + h.op());
        }
        if ((h.flags() & ~op.flagMask()) != 0) {
            return new Violation(Rule.UNDEFINED_FLAGS, "flags 0x%02x with op %s".formatted(h.flags(), op));
        }
        if (h.reserved() != 0) {
            return new Violation(Rule.RESERVED_NOT_ZERO, "reserved 0x%04x".formatted(h.reserved()));
        }
        int uses = op.uses();
        if ((uses & Op.USES_POOL) == 0 && h.pool() != 0) {
            return new Violation(Rule.UNUSED_POOL_NOT_ZERO, "pool " + h.pool() + " with op " + op);
        }
        if ((uses & Op.USES_OID) == 0 && (h.oid0() | h.oid1() | h.oid2()) != 0) {
            return new Violation(Rule.UNUSED_OID_NOT_ZERO, "oid %016x:%016x:%016x with op %s"
                    .formatted(h.oid2(), h.oid1(), h.oid0(), op));
        }
        if ((uses & Op.USES_INDEX) == 0 && h.index() != 0) {
            return new Violation(Rule.UNUSED_INDEX_NOT_ZERO, "index " + h.indexAsLong() + " with op " + op);
        }
        return null;
    }

    /**
     * Judges the payload of a request whose header passed {@link #checkHeader}: its size for the op,
     * and for NEW_POOL and HELLO its content ({@link NewPool#decode}, {@link Hello#decode}).
     *
     * @param payload the payload bytes, from {@code position} to {@code limit}
     * @param pageSize the pool's page size, for PUT_PAGE (ignored for other ops)
     */
    public static Violation checkPayload(RequestHeader h, ByteBuffer payload, int pageSize) {
        int n = payload.remaining();
        Op op = Op.of(h.op());
        try {
            switch (op) {
                case PUT_PAGE -> {
                    if (n != pageSize) {
                        return payloadSize(op, n, "the pool's page size " + pageSize);
                    }
                }
                case DESTROY_POOL, GET_PAGE, FLUSH_PAGE, FLUSH_OBJECT, STATS -> {
                    if (n != 0) {
                        return payloadSize(op, n, "0");
                    }
                }
                case PING -> {
                    if (n > Op.MAX_PING_PAYLOAD) {
                        return payloadSize(op, n, "at most " + Op.MAX_PING_PAYLOAD);
                    }
                }
                case NEW_POOL -> NewPool.decode(h.flags(), payload);
                case HELLO -> Hello.decode(payload);
                case null -> throw new IllegalArgumentException("op " + h.op() + " is unknown: checkHeader first");
            }
        } catch (ProtocolException e) {
            return e.violation();
        }
        return null;
    }

    static Violation payloadSize(Op op, int n, String expected) {
        return new Violation(Rule.PAYLOAD_SIZE, op + " payload of " + n + " bytes, expected " + expected);
    }

    static ByteBuffer bigEndian(ByteBuffer buf) {
        return buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate().order(ByteOrder.BIG_ENDIAN);
    }
}

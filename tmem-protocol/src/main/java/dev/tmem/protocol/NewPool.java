package dev.tmem.protocol;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * A NEW_POOL request's flags and payload: {@code u8 page_shift} (12..16), then, with
 * {@link Flags#SHARED}, the pool's 16-byte uuid (most significant byte first).
 *
 * <pre>
 *  0            1                                   17
 *  +------------+-----------------------------------+
 *  | page_shift |  uuid (only when SHARED, 16 bytes) |
 *  +------------+-----------------------------------+
 * </pre>
 *
 * @param uuid the shared pool's uuid, {@code null} unless {@code shared}
 */
public record NewPool(boolean persistent, boolean shared, int pageShift, UUID uuid) {

    public static final int MIN_PAGE_SHIFT = 12;
    public static final int MAX_PAGE_SHIFT = 16;
    public static final int PRIVATE_PAYLOAD = 1;
    public static final int SHARED_PAYLOAD = 17;

    public NewPool {
        if (shared != (uuid != null)) {
            throw new IllegalArgumentException("a uuid goes with SHARED and only with it");
        }
    }

    public static NewPool ofPrivate(boolean persistent, int pageShift) {
        return new NewPool(persistent, false, pageShift, null);
    }

    public static NewPool ofShared(UUID uuid, int pageShift) {
        return new NewPool(false, true, pageShift, uuid);
    }

    /** The page size, {@code 1 << pageShift}. */
    public int pageSize() {
        return 1 << pageShift;
    }

    /** The request's flag bits. */
    public int flags() {
        return (persistent ? Flags.PERSIST : 0) | (shared ? Flags.SHARED : 0);
    }

    /** The payload bytes (page_shift written as given, even out of range, so tests can send it). */
    public byte[] encodePayload() {
        ByteBuffer b = ByteBuffer.allocate(shared ? SHARED_PAYLOAD : PRIVATE_PAYLOAD);
        b.put((byte) pageShift);
        if (shared) {
            b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        }
        return b.array();
    }

    /**
     * Reads and judges a NEW_POOL payload (from {@code position} to {@code limit}; the position does
     * not move): its size, the page shift, then the option SHARED with PERSIST, in that order.
     *
     * @param flags the request's flags, already checked against {@link Op#flagMask()}
     * @throws ProtocolException naming the rule broken
     */
    public static NewPool decode(int flags, ByteBuffer payload) throws ProtocolException {
        boolean shared = (flags & Flags.SHARED) != 0;
        boolean persistent = (flags & Flags.PERSIST) != 0;
        int expected = shared ? SHARED_PAYLOAD : PRIVATE_PAYLOAD;
        int n = payload.remaining();
        if (n != expected) {
            throw new ProtocolException(RequestDecoder.payloadSize(Op.NEW_POOL, n,
                    expected + (shared ? " (page_shift and uuid)" : " (page_shift)")));
        }
        ByteBuffer b = RequestDecoder.bigEndian(payload);
        int at = b.position();
        int shift = b.get(at) & 0xFF;
        if (shift < MIN_PAGE_SHIFT || shift > MAX_PAGE_SHIFT) {
            throw new ProtocolException(Rule.BAD_PAGE_SHIFT, "page_shift " + shift);
        }
        if (shared && persistent) {
            throw new ProtocolException(Rule.SHARED_PERSISTENT, "flags 0x%02x".formatted(flags));
        }
        UUID uuid = shared ? new UUID(b.getLong(at + 1), b.getLong(at + 9)) : null;
        return new NewPool(persistent, shared, shift, uuid);
    }
}

package dev.tmem.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Page bytes that are unique to one put: a header naming the put, then a body derived from the put's
 * sequence number, so a stale page (an older put at the same handle), a foreign page (another
 * handle's put) or a torn page (header of one put, body of another) is told apart by content alone.
 *
 * <pre>
 *  offset  bytes  field
 *   0        8    MAGIC
 *   8        8    model pool uid (unique per pool instance in a run, never reused)
 *  16       24    object id w0, w1, w2
 *  40        8    page index (unsigned 32-bit, in a long)
 *  48        8    put sequence number (unique per run)
 *  56        8    ~sequence (header check)
 *  64      ...    body: random from seed(sequence), or zeros then a tail marker (every third
 *                 sequence, so compressing stores see compressible pages too)
 * </pre>
 */
final class PageContent {

    static final long MAGIC = 0x746d_656d_7061_6765L; // "tmempage"
    static final int HEADER = 64;

    private PageContent() {}

    static byte[] of(long poolUid, ObjectId oid, long index, long seq, int pageSize) {
        byte[] page = new byte[pageSize];
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC).putLong(poolUid).putLong(oid.w0()).putLong(oid.w1()).putLong(oid.w2())
                .putLong(index).putLong(seq).putLong(~seq);
        if (seq % 3 == 0) {
            b.putLong(pageSize - 8, seq * 0x9E37_79B9_7F4A_7C15L);
        } else {
            SplittableRandom r = new SplittableRandom(seq * 0x9E37_79B9_7F4A_7C15L + 17);
            for (int off = HEADER; off < pageSize; off += 8) {
                b.putLong(off, r.nextLong());
            }
        }
        return page;
    }

    /** A human-readable account of what {@code actual} is, for failure messages. */
    static String describe(byte[] actual) {
        ByteBuffer b = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(0) != MAGIC) {
            return "not a test page (first word " + Long.toHexString(b.getLong(0)) + ")";
        }
        long uid = b.getLong(8);
        ObjectId oid = new ObjectId(b.getLong(16), b.getLong(24), b.getLong(32));
        long index = b.getLong(40);
        long seq = b.getLong(48);
        String header = "page of pool#" + uid + " " + oid + " index " + index + " seq " + seq;
        if (b.getLong(56) != ~seq) {
            return "torn header: " + header;
        }
        byte[] expected = of(uid, oid, index, seq, actual.length);
        int diff = Arrays.mismatch(expected, actual);
        return diff < 0 ? header : "torn page (" + header + ", body differs at byte " + diff + ")";
    }
}

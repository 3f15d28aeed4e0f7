package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule the decoder judges, and the order in which it judges them. */
class RequestDecoderTest {

    /** A well-formed header of {@code op} that sets every field the op uses to a non-zero value. */
    static RequestHeader valid(Op op, int payloadLength) {
        int uses = op.uses();
        return RequestHeader.of(op, 0, 99,
                (uses & Op.USES_POOL) != 0 ? 3 : 0,
                (uses & Op.USES_OID) != 0 ? 11 : 0,
                (uses & Op.USES_OID) != 0 ? 12 : 0,
                (uses & Op.USES_OID) != 0 ? 13 : 0,
                (uses & Op.USES_INDEX) != 0 ? 7 : 0,
                payloadLength);
    }

    static Rule headerRule(RequestHeader h) {
        Violation v = RequestDecoder.checkHeader(h);
        return v == null ? null : v.rule();
    }

    static Rule payloadRule(RequestHeader h, byte[] payload, int pageSize) {
        Violation v = RequestDecoder.checkPayload(h, ByteBuffer.wrap(payload), pageSize);
        return v == null ? null : v.rule();
    }

    // ----- length -----

    @Test
    void lengthsFrom40To40Plus65536AreAccepted() {
        assertThat(RequestDecoder.checkLength(40)).isNull();
        assertThat(RequestDecoder.checkLength(40 + 4096)).isNull();
        assertThat(RequestDecoder.checkLength(40 + 65536)).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 12, 39})
    void lengthBelow40IsTooLarge(long length) {
        Violation v = RequestDecoder.checkLength(length);
        assertThat(v.rule()).isEqualTo(Rule.LENGTH_BELOW_MIN);
        assertThat(v.status()).isEqualTo(Status.TOO_LARGE);
        assertThat(v.detail()).contains(Long.toString(length));
    }

    @ParameterizedTest
    @ValueSource(longs = {40 + 65536 + 1, 1 << 20, 0x7FFF_FFFFL, 0xFFFF_FFFFL})
    void lengthAbove40Plus65536IsTooLarge(long length) {
        assertThat(RequestDecoder.checkLength(length).rule()).isEqualTo(Rule.LENGTH_ABOVE_MAX);
        assertThat(Rule.LENGTH_ABOVE_MAX.status()).isEqualTo(Status.TOO_LARGE);
    }

    @Test
    void headerOfFewerThan44BytesCannotBeDecoded() {
        assertThatThrownBy(() -> RequestDecoder.decodeHeader(ByteBuffer.allocate(43)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("43");
    }

    // ----- op -----

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 8, 31, 35, 128, 255})
    void unknownOpIsUnsupported(int code) {
        var h = new RequestHeader(40, code, 0, 0, 1, 0, 0, 0, 0, 0);
        Violation v = RequestDecoder.checkHeader(h);
        assertThat(v.rule()).isEqualTo(Rule.UNKNOWN_OP);
        assertThat(v.status()).isEqualTo(Status.UNSUPPORTED);
    }

    @Test
    void unknownOpIsJudgedBeforeFlagsReservedAndFields() {
        var h = new RequestHeader(40, 3, 0xFF, 0xFFFF, 1, 5, 1, 1, 1, 1);
        assertThat(headerRule(h)).isEqualTo(Rule.UNKNOWN_OP);
    }

    // ----- flags, reserved, unused fields -----

    @ParameterizedTest
    @EnumSource(Op.class)
    void everyFlagBitTheOpDoesNotDefineIsABadRequest(Op op) {
        for (int bit = 0; bit < 8; bit++) {
            int flag = 1 << bit;
            RequestHeader h = withFlags(valid(op, 0), flag);
            Rule expected = (op.flagMask() & flag) != 0 ? null : Rule.UNDEFINED_FLAGS;
            assertThat(headerRule(h)).as("%s flag 0x%02x", op, flag).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0x100, 0x8000, 0xFFFF})
    void reservedNotZeroIsABadRequest(int reserved) {
        RequestHeader v = valid(Op.GET_PAGE, 0);
        var h = new RequestHeader(v.length(), v.op(), 0, reserved, v.tag(), v.pool(), v.oid0(), v.oid1(), v.oid2(),
                v.index());
        assertThat(headerRule(h)).isEqualTo(Rule.RESERVED_NOT_ZERO);
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void eachFieldTheOpDoesNotUseMustBeZero(Op op) {
        RequestHeader v = valid(op, 0);
        boolean pool = (op.uses() & Op.USES_POOL) != 0;
        boolean oid = (op.uses() & Op.USES_OID) != 0;
        boolean index = (op.uses() & Op.USES_INDEX) != 0;
        assertThat(headerRule(fields(v, -1, v.oid0(), v.oid1(), v.oid2(), v.index())))
                .isEqualTo(pool ? null : Rule.UNUSED_POOL_NOT_ZERO);
        assertThat(headerRule(fields(v, v.pool(), 1, v.oid1(), v.oid2(), v.index())))
                .isEqualTo(oid ? null : Rule.UNUSED_OID_NOT_ZERO);
        assertThat(headerRule(fields(v, v.pool(), v.oid0(), Long.MIN_VALUE, v.oid2(), v.index())))
                .isEqualTo(oid ? null : Rule.UNUSED_OID_NOT_ZERO);
        assertThat(headerRule(fields(v, v.pool(), v.oid0(), v.oid1(), -1L, v.index())))
                .isEqualTo(oid ? null : Rule.UNUSED_OID_NOT_ZERO);
        assertThat(headerRule(fields(v, v.pool(), v.oid0(), v.oid1(), v.oid2(), 0x8000_0000)))
                .isEqualTo(index ? null : Rule.UNUSED_INDEX_NOT_ZERO);
    }

    @Test
    void flagsAreJudgedBeforeReservedAndReservedBeforeUnusedFields() {
        var h = new RequestHeader(40, Op.STATS.code(), 1, 1, 0, 1, 1, 0, 0, 1);
        assertThat(headerRule(h)).isEqualTo(Rule.UNDEFINED_FLAGS);
        h = new RequestHeader(40, Op.STATS.code(), 0, 1, 0, 1, 1, 0, 0, 1);
        assertThat(headerRule(h)).isEqualTo(Rule.RESERVED_NOT_ZERO);
        h = new RequestHeader(40, Op.STATS.code(), 0, 0, 0, 1, 1, 0, 0, 1);
        assertThat(headerRule(h)).isEqualTo(Rule.UNUSED_POOL_NOT_ZERO);
        h = new RequestHeader(40, Op.STATS.code(), 0, 0, 0, 0, 1, 0, 0, 1);
        assertThat(headerRule(h)).isEqualTo(Rule.UNUSED_OID_NOT_ZERO);
    }

    @Test
    void tagAndUsedFieldsTakeAnyValue() {
        var h = RequestHeader.of(Op.PUT_PAGE, 0, -1, Integer.MIN_VALUE, -1, -1, -1, -1, 4096);
        assertThat(RequestDecoder.checkHeader(h)).isNull();
    }

    // ----- payload -----

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"DESTROY_POOL", "GET_PAGE", "FLUSH_PAGE", "FLUSH_OBJECT", "STATS"})
    void opsWithoutPayloadRefuseOne(Op op) {
        assertThat(payloadRule(valid(op, 0), new byte[0], 4096)).isNull();
        assertThat(payloadRule(valid(op, 1), new byte[1], 4096)).isEqualTo(Rule.PAYLOAD_SIZE);
        assertThat(payloadRule(valid(op, 4096), new byte[4096], 4096)).isEqualTo(Rule.PAYLOAD_SIZE);
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 65536})
    void putPayloadIsExactlyThePoolsPageSize(int pageSize) {
        assertThat(payloadRule(valid(Op.PUT_PAGE, pageSize), new byte[pageSize], pageSize)).isNull();
        assertThat(payloadRule(valid(Op.PUT_PAGE, 0), new byte[0], pageSize)).isEqualTo(Rule.PAYLOAD_SIZE);
        assertThat(payloadRule(valid(Op.PUT_PAGE, pageSize - 1), new byte[pageSize - 1], pageSize))
                .isEqualTo(Rule.PAYLOAD_SIZE);
        int other = pageSize == 65536 ? 4096 : pageSize * 2;
        assertThat(payloadRule(valid(Op.PUT_PAGE, other), new byte[other], pageSize)).isEqualTo(Rule.PAYLOAD_SIZE);
    }

    @Test
    void pingTakesUpTo4096Bytes() {
        assertThat(payloadRule(valid(Op.PING, 0), new byte[0], 0)).isNull();
        assertThat(payloadRule(valid(Op.PING, 4096), new byte[4096], 0)).isNull();
        assertThat(payloadRule(valid(Op.PING, 4097), new byte[4097], 0)).isEqualTo(Rule.PAYLOAD_SIZE);
    }

    @Test
    void newPoolPayloadIsPageShiftThenUuidWhenShared() {
        byte[] priv = NewPool.ofPrivate(true, 12).encodePayload();
        assertThat(payloadRule(withFlags(valid(Op.NEW_POOL, 1), Flags.PERSIST), priv, 0)).isNull();
        byte[] shared = NewPool.ofShared(UUID.randomUUID(), 16).encodePayload();
        assertThat(payloadRule(withFlags(valid(Op.NEW_POOL, 17), Flags.SHARED), shared, 0)).isNull();
        // a private pool with a uuid, a shared pool without one, nothing at all
        assertThat(payloadRule(valid(Op.NEW_POOL, 17), shared, 0)).isEqualTo(Rule.PAYLOAD_SIZE);
        assertThat(payloadRule(withFlags(valid(Op.NEW_POOL, 1), Flags.SHARED), priv, 0)).isEqualTo(Rule.PAYLOAD_SIZE);
        assertThat(payloadRule(valid(Op.NEW_POOL, 0), new byte[0], 0)).isEqualTo(Rule.PAYLOAD_SIZE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 11, 17, 31, 255})
    void pageShiftOutside12To16IsABadRequest(int shift) {
        assertThat(payloadRule(valid(Op.NEW_POOL, 1), new byte[] {(byte) shift}, 0)).isEqualTo(Rule.BAD_PAGE_SHIFT);
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 13, 14, 15, 16})
    void pageShift12To16IsAccepted(int shift) {
        assertThat(payloadRule(valid(Op.NEW_POOL, 1), new byte[] {(byte) shift}, 0)).isNull();
    }

    @Test
    void sharedWithPersistIsUnsupportedButOnlyAfterThePayloadIsWellFormed() {
        RequestHeader h = withFlags(valid(Op.NEW_POOL, 17), Flags.SHARED | Flags.PERSIST);
        byte[] ok = NewPool.ofShared(new UUID(1, 2), 12).encodePayload();
        Violation v = RequestDecoder.checkPayload(h, ByteBuffer.wrap(ok), 0);
        assertThat(v.rule()).isEqualTo(Rule.SHARED_PERSISTENT);
        assertThat(v.status()).isEqualTo(Status.UNSUPPORTED);
        ok[0] = 20;
        assertThat(payloadRule(h, ok, 0)).isEqualTo(Rule.BAD_PAGE_SHIFT);
        assertThat(payloadRule(withFlags(valid(Op.NEW_POOL, 1), Flags.SHARED | Flags.PERSIST), new byte[] {12}, 0))
                .isEqualTo(Rule.PAYLOAD_SIZE);
    }

    @Test
    void helloPayloadIsJudgedByHello() {
        byte[] ok = Hello.of("app", "t").encodePayload();
        assertThat(payloadRule(valid(Op.HELLO, ok.length), ok, 0)).isNull();
        byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThat(payloadRule(valid(Op.HELLO, trailing.length), trailing, 0)).isEqualTo(Rule.HELLO_MALFORMED);
    }

    @Test
    void checkPayloadReadsOnlyFromPositionToLimitAndMovesNothing() {
        byte[] frame = new byte[10 + 4096 + 10];
        ByteBuffer payload = ByteBuffer.wrap(frame, 10, 4096);
        assertThat(RequestDecoder.checkPayload(valid(Op.PUT_PAGE, 4096), payload, 4096)).isNull();
        assertThat(payload.position()).isEqualTo(10);
        assertThat(payload.limit()).isEqualTo(10 + 4096);
    }

    @Test
    void violationsNameWhatTheyFound() {
        Violation v = RequestDecoder.checkHeader(withFlags(valid(Op.GET_PAGE, 0), 0x04));
        assertThat(v.detail()).isEqualTo("flags 0x04 with op GET_PAGE");
        assertThat(v.toString()).contains("UNDEFINED_FLAGS").contains("flag bits the op does not define");
    }

    static RequestHeader withFlags(RequestHeader v, int flags) {
        return new RequestHeader(v.length(), v.op(), flags, v.reserved(), v.tag(), v.pool(), v.oid0(), v.oid1(),
                v.oid2(), v.index());
    }

    static RequestHeader fields(RequestHeader v, int pool, long oid0, long oid1, long oid2, int index) {
        return new RequestHeader(v.length(), v.op(), v.flags(), v.reserved(), v.tag(), pool, oid0, oid1, oid2, index);
    }
}

package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Every field of both headers sits at the offset, width and byte order of PROTOCOL.md. */
class LayoutTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void requestHeaderFieldsAreBigEndianAtTheirOffsets() {
        var h = new RequestHeader(40 + 3, 0x05, 0x01, 0x0000, 0x0A0B0C0D, -2,
                0x1011121314151617L, 0x2021222324252627L, 0x3031323334353637L, 0xFFFFFFFE);
        byte[] frame = RequestEncoder.encode(h, new byte[] {7, 8, 9});
        assertThat(HEX.formatHex(frame)).isEqualTo(
                "0000002b" // length 43
                + "05" + "01" + "0000" // op, flags, reserved
                + "0a0b0c0d" // tag
                + "fffffffe" // pool -2
                + "1011121314151617" + "2021222324252627" + "3031323334353637" // oid0..2
                + "fffffffe" // index 2^32 - 2
                + "070809"); // payload
        assertThat(RequestDecoder.decodeHeader(ByteBuffer.wrap(frame))).isEqualTo(h);
        assertThat(h.indexAsLong()).isEqualTo(0xFFFF_FFFEL);
        assertThat(h.payloadLength()).isEqualTo(3);
    }

    @Test
    void requestOffsetsMatchTheTable() {
        assertThat(new int[] {RequestLayout.LENGTH_OFFSET, RequestLayout.OP_OFFSET, RequestLayout.FLAGS_OFFSET,
                RequestLayout.RESERVED_OFFSET, RequestLayout.TAG_OFFSET, RequestLayout.POOL_OFFSET,
                RequestLayout.OID0_OFFSET, RequestLayout.OID1_OFFSET, RequestLayout.OID2_OFFSET,
                RequestLayout.INDEX_OFFSET, RequestLayout.PAYLOAD_OFFSET})
                .containsExactly(0, 4, 5, 6, 8, 12, 16, 24, 32, 40, 44);
        assertThat(RequestLayout.MIN_LENGTH).isEqualTo(40);
        assertThat(RequestLayout.MAX_LENGTH).isEqualTo(40 + 65536);
    }

    @Test
    void responseHeaderFieldsAreBigEndianAtTheirOffsets() {
        byte[] frame = ResponseEncoder.encode(0x21, Status.UNSUPPORTED, 0x01020304, -3, new byte[] {1, 2});
        assertThat(HEX.formatHex(frame)).isEqualTo(
                "0000000e" // length 14
                + "21" + "07" + "0000" // op, status, reserved
                + "01020304" // tag
                + "fffffffd" // value -3
                + "0102");
        ResponseHeader h = ResponseDecoder.decodeHeader(ByteBuffer.wrap(frame));
        assertThat(h).isEqualTo(new ResponseHeader(14, 0x21, 7, 0, 0x01020304, -3));
        assertThat(h.statusCode()).isEqualTo(Status.UNSUPPORTED);
        assertThat(h.payloadLength()).isEqualTo(2);
        assertThat(new int[] {ResponseLayout.LENGTH_OFFSET, ResponseLayout.OP_OFFSET, ResponseLayout.STATUS_OFFSET,
                ResponseLayout.RESERVED_OFFSET, ResponseLayout.TAG_OFFSET, ResponseLayout.VALUE_OFFSET,
                ResponseLayout.PAYLOAD_OFFSET})
                .containsExactly(0, 4, 5, 6, 8, 12, 16);
    }

    @Test
    void opAndStatusCodesAreThoseOfTheProtocol() {
        assertThat(Op.values()).extracting(Op::code).containsExactly(1, 2, 4, 5, 6, 7, 32, 33, 34);
        assertThat(Status.values()).extracting(Status::code).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 9);
        for (int code = 0; code < 256; code++) {
            Op op = Op.of(code);
            assertThat(op == null ? -1 : op.code()).isIn(-1, code);
            Status s = Status.of(code);
            assertThat(s == null ? -1 : s.code()).isIn(-1, code);
        }
        assertThat(Op.of(3)).isNull();
        assertThat(Status.of(8)).isNull();
        assertThat(Op.of(-1)).isNull();
        assertThat(Op.of(256)).isNull();
    }

    @Test
    void flagsAndFieldsEachOpUses() {
        assertThat(Op.NEW_POOL.flagMask()).isEqualTo(0b11);
        assertThat(Op.GET_PAGE.flagMask()).isEqualTo(0b1);
        assertThat(Op.PUT_PAGE.flagMask()).isZero();
        assertThat(Op.NEW_POOL.uses()).isZero();
        assertThat(Op.DESTROY_POOL.uses()).isEqualTo(Op.USES_POOL);
        assertThat(Op.FLUSH_OBJECT.uses()).isEqualTo(Op.USES_POOL | Op.USES_OID);
        assertThat(Op.PUT_PAGE.uses()).isEqualTo(Op.USES_POOL | Op.USES_OID | Op.USES_INDEX);
        assertThat(Op.HELLO.uses() | Op.STATS.uses() | Op.PING.uses()).isZero();
    }

    @Test
    void encodersWriteBigEndianIntoLittleEndianBuffersToo() {
        ByteBuffer little = ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        RequestEncoder.encodeHeader(RequestHeader.of(Op.STATS, 0, 0x01020304, 0), little);
        assertThat(little.position()).isEqualTo(44);
        assertThat(little.array()[8]).isEqualTo((byte) 1);
        assertThat(RequestDecoder.decodeHeader(little.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN)).tag())
                .isEqualTo(0x01020304);
        assertThat(RequestDecoder.readLength(ByteBuffer.wrap(new byte[] {(byte) 0xFF, 0, 0, 1}), 0))
                .isEqualTo(0xFF000001L);
    }
}

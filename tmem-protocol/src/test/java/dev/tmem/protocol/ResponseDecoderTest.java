package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Responses as a client reads them. */
class ResponseDecoderTest {

    @ParameterizedTest
    @EnumSource(Status.class)
    void everyStatusRoundTrips(Status status) {
        byte[] frame = ResponseEncoder.encode(Op.GET_PAGE.code(), status, 5, 0, new byte[0]);
        ResponseHeader h = ResponseDecoder.decodeHeader(ByteBuffer.wrap(frame));
        assertThat(ResponseDecoder.checkHeader(h)).isNull();
        assertThat(h.statusCode()).isEqualTo(status);
    }

    @Test
    void unknownStatusReservedAndLengthAreReported() {
        assertThat(ResponseDecoder.checkHeader(new ResponseHeader(12, 5, 8, 0, 0, 0)).rule())
                .isEqualTo(Rule.RESPONSE_STATUS);
        assertThat(ResponseDecoder.checkHeader(new ResponseHeader(12, 5, 0, 1, 0, 0)).rule())
                .isEqualTo(Rule.RESPONSE_RESERVED);
        assertThat(ResponseDecoder.checkHeader(new ResponseHeader(11, 5, 0, 0, 0, 0)).rule())
                .isEqualTo(Rule.RESPONSE_LENGTH);
        assertThat(ResponseDecoder.checkLength(12 + 65536)).isNull();
        assertThat(ResponseDecoder.checkLength(12 + 65537).rule()).isEqualTo(Rule.RESPONSE_LENGTH);
        assertThat(ResponseDecoder.checkHeader(new ResponseHeader(-1, 5, 0, 0, 0, 0)).rule())
                .isEqualTo(Rule.RESPONSE_LENGTH);
    }

    @Test
    void encoderRefusesPayloadsPastTheLimit() {
        assertThatThrownBy(() -> ResponseEncoder.encodeHeader(ByteBuffer.allocate(16), 0, Status.OK, 0, 0, 65537))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseEncoder.encodeHeader(ByteBuffer.allocate(15), 0, Status.OK, 0, 0, 0))
                .isInstanceOf(java.nio.BufferOverflowException.class);
        // the check the server's own header writer shares
        assertThat(ResponseLayout.lengthField(0)).isEqualTo(12);
        assertThat(ResponseLayout.lengthField(65536)).isEqualTo(65548);
        assertThatThrownBy(() -> ResponseLayout.lengthField(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payloadLength");
        assertThatThrownBy(() -> ResponseLayout.lengthField(65537)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerOfFewerThan16BytesCannotBeDecoded() {
        assertThatThrownBy(() -> ResponseDecoder.decodeHeader(ByteBuffer.allocate(15)))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}

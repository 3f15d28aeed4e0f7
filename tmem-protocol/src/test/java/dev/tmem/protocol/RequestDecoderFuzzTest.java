package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Jazzer fuzzing of the request decoder against {@link RandomFrameTest}'s reference judge. Without
 * {@code JAZZER_FUZZ=1} it replays its seed inputs only (a quick regression run in CI); with it,
 * it fuzzes for {@code maxDuration}.
 */
class RequestDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decoderAgreesWithTheReference(byte[] data) {
        byte[] frame = data.length >= RequestLayout.HEADER_BYTES ? data : Arrays.copyOf(data, RequestLayout.HEADER_BYTES);
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(frame).getInt(0));
        if (RequestDecoder.checkLength(length) == null) {
            // a frame carries exactly what its length says, as the server's framing guarantees
            frame = Arrays.copyOf(frame, RequestLayout.LENGTH_FIELD_BYTES + (int) length);
        }
        assertThat(RandomFrameTest.decode(frame, 4096)).isEqualTo(RandomFrameTest.reference(frame, 4096));
    }
}

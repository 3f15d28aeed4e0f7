package dev.tmem.protocol;

/**
 * The 16-byte header of a response as read off the wire.
 *
 * @param length the length field: 12 + payload size
 * @param op the request's op byte
 * @param status the status byte ({@link Status#of} maps it)
 */
public record ResponseHeader(int length, int op, int status, int reserved, int tag, int value) {

    public int payloadLength() {
        return length - ResponseLayout.MIN_LENGTH;
    }

    /** The status, or {@code null} if the code is not one PROTOCOL.md defines. */
    public Status statusCode() {
        return Status.of(status);
    }
}

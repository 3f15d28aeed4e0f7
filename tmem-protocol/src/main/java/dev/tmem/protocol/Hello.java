package dev.tmem.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A HELLO payload: the protocol version, the client's name and its token.
 *
 * <pre>
 *  0         2         4          4+n       6+n          6+n+m
 *  +---------+---------+----------+---------+------------+
 *  | version | n (u16) | name (n) | m (u16) | token (m)  |   nothing after
 *  +---------+---------+----------+---------+------------+
 * </pre>
 *
 * A name is 1 to {@value #MAX_NAME_BYTES} bytes of valid UTF-8; a token is any bytes. The token is
 * kept as given and never printed.
 */
public final class Hello {

    /** The only version this protocol defines. */
    public static final int VERSION = 1;
    public static final int MAX_NAME_BYTES = 64;

    private final int version;
    private final String name;
    private final byte[] token;

    public Hello(int version, String name, byte[] token) {
        this.version = version;
        this.name = Objects.requireNonNull(name, "name");
        this.token = Objects.requireNonNull(token, "token").clone();
    }

    public static Hello of(String name, String token) {
        return new Hello(VERSION, name, token.getBytes(StandardCharsets.UTF_8));
    }

    public int version() {
        return version;
    }

    public String name() {
        return name;
    }

    /** A copy of the token bytes. */
    public byte[] token() {
        return token.clone();
    }

    /** The payload bytes (the name as UTF-8, whatever its length, so tests can send bad names). */
    public byte[] encodePayload() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(6 + n.length + token.length)
                .putShort((short) version).putShort((short) n.length).put(n)
                .putShort((short) token.length).put(token)
                .array();
    }

    /**
     * Reads and judges a HELLO payload (from {@code position} to {@code limit}; the position does not
     * move). The version is judged first, since another version may lay out the rest differently.
     *
     * @throws ProtocolException {@link Rule#HELLO_VERSION} for a version other than 1,
     *     {@link Rule#HELLO_MALFORMED} for anything else wrong
     */
    public static Hello decode(ByteBuffer payload) throws ProtocolException {
        ByteBuffer b = RequestDecoder.bigEndian(payload);
        int at = b.position();
        int end = b.limit();
        if (end - at < 2) {
            throw malformed("payload of " + (end - at) + " bytes has no version");
        }
        int version = b.getShort(at) & 0xFFFF;
        if (version != VERSION) {
            throw new ProtocolException(Rule.HELLO_VERSION, "version " + version + ", this server speaks " + VERSION);
        }
        at += 2;
        if (end - at < 2) {
            throw malformed("no name length");
        }
        int n = b.getShort(at) & 0xFFFF;
        at += 2;
        if (n < 1 || n > MAX_NAME_BYTES) {
            throw malformed("name of " + n + " bytes, expected 1 to " + MAX_NAME_BYTES);
        }
        if (end - at < n) {
            throw malformed("name of " + n + " bytes but " + (end - at) + " bytes remain");
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(b.slice(at, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("name is not valid UTF-8");
        }
        at += n;
        if (end - at < 2) {
            throw malformed("no token length");
        }
        int m = b.getShort(at) & 0xFFFF;
        at += 2;
        if (end - at != m) {
            throw malformed("token of " + m + " bytes but " + (end - at) + " bytes remain");
        }
        byte[] token = new byte[m];
        b.get(at, token);
        return new Hello(version, name, token);
    }

    private static ProtocolException malformed(String detail) {
        return new ProtocolException(Rule.HELLO_MALFORMED, detail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h && h.version == version && h.name.equals(name) && Arrays.equals(h.token, token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, name, Arrays.hashCode(token));
    }

    @Override
    public String toString() {
        return "Hello[version=" + version + ", name=" + name + ", token=(" + token.length + " bytes)]";
    }
}

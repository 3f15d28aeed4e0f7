package dev.tmem.zcache;

/**
 * A compressed page could not be decoded into exactly one page: the input is malformed, truncated,
 * fails its checksum, or decodes to a different length. No page bytes are to be trusted after it.
 *
 * <p>It is an {@link IllegalStateException} because that is what
 * {@code PageStore.load} promises for corrupt stored bytes, so a store may let it through.
 */
public final class CorruptPageException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String codec;

    /**
     * @param codec the codec's {@link Codec#name() name}
     * @param what what was wrong, for the message
     * @param cause the library's own error, or {@code null}
     */
    public CorruptPageException(String codec, String what, Throwable cause) {
        super(codec + ": corrupt compressed page: " + what, cause);
        this.codec = codec;
    }

    public CorruptPageException(String codec, String what) {
        this(codec, what, null);
    }

    /** The name of the codec that found the damage. */
    public String codec() {
        return codec;
    }
}

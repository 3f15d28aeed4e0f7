package dev.tmem.core;

/** A reference (a pin) was released more times than it was taken. */
public final class OverReleaseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public OverReleaseException(String message) {
        super(message);
    }
}

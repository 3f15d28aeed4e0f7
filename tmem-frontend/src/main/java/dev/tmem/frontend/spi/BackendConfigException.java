package dev.tmem.frontend.spi;

/**
 * A backend could not be found or configured: an unknown backend name, a parameter that is not
 * accepted, a value of the wrong type or out of range, a jar without a provider. The message names
 * the bad item and lists what is accepted. Nothing was loaded or changed.
 */
public final class BackendConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BackendConfigException(String message) {
        super(message);
    }

    public BackendConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

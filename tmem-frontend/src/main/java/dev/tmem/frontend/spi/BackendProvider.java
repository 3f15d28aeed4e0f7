package dev.tmem.frontend.spi;

import java.util.List;

/**
 * A backend "module": found by name through {@link java.util.ServiceLoader} on the class or module
 * path, or in a jar loaded at run time (see {@link dev.tmem.frontend.BackendRegistry}), and created
 * with named parameters ({@code budget_mb=64}, {@code store=raw}).
 *
 * <p>Implementations need a public no-argument constructor and a {@code provides} clause (module
 * path) or a {@code META-INF/services/dev.tmem.frontend.spi.BackendProvider} entry (class path,
 * jars).
 */
public interface BackendProvider {

    /** The name a backend is loaded by: lower case letters, digits, {@code -} and {@code _}. */
    String name();

    /** One line on what the backend is, for listings. */
    String description();

    /** Every parameter {@link #create} accepts, with its type, default and description. */
    List<BackendParameter> parameters();

    /**
     * Creates a backend. {@code params} holds a valid value for every parameter of
     * {@link #parameters()} (given or default).
     *
     * @throws BackendConfigException if the values do not fit together; the message names them
     */
    TmemBackend create(BackendParameters params);
}

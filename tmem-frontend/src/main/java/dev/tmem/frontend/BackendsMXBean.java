package dev.tmem.frontend;

import java.util.List;

/**
 * The backend of a {@link Frontends} over JMX ({@code dev.tmem:type=Backend,name=...}): which one is
 * loaded, which can be, and control to load and unload one at run time.
 */
public interface BackendsMXBean {

    /** The loaded backend's name, or {@code "none"}. */
    String getLoaded();

    /** The parameters it was loaded with ({@code key=value}), empty if registered from code. */
    List<String> getParameters();

    /** The backends the registry can load by name. */
    List<String> getAvailable();

    /** {@link BackendRegistry#describe()}: every backend with its parameters. */
    String getDescription();

    /**
     * Loads backend {@code name} with space-separated {@code key=value} parameters, replacing the
     * loaded one (see {@link Frontends#load}).
     */
    void load(String name, String parameters);

    /** {@link Frontends#unload()}. */
    void unload();
}

package dev.tmem.core.spi;

import java.util.Map;

/**
 * Makes a {@link PageStore} chosen by name ({@code raw}, {@code zcache}) with named parameters, so
 * that whatever builds an engine from configuration (the local backend of the frontends, a
 * command line) can offer every store on the class or module path. Found through
 * {@link java.util.ServiceLoader}; tmem-core provides {@code raw}
 * ({@link dev.tmem.core.store.RawPageStoreFactory}), tmem-zcache provides {@code zcache}.
 */
public interface PageStoreFactory {

    /** The name a store is chosen by. */
    String name();

    /** One line on what the store does. */
    String description();

    /** The parameters the store takes, each key with one line on its values and default. */
    Map<String, String> parameters();

    /**
     * A new store, owned by the caller (the engine it is given to closes it).
     *
     * @param params values for some of {@link #parameters()}
     * @param budgetBytes the memory budget of the engine the store is for; a store with a limit of
     *     its own takes it as its default
     * @throws IllegalArgumentException for an unknown key or a bad value, naming it and what is
     *     accepted
     */
    PageStore create(Map<String, String> params, long budgetBytes);
}

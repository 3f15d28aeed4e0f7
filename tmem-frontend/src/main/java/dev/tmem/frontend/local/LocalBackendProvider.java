package dev.tmem.frontend.local;

import dev.tmem.core.spi.PageStoreFactory;
import dev.tmem.core.store.RawPageStoreFactory;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The {@code local} backend: a {@link LocalBackend} owning an engine of its own.
 *
 * <p>Parameters: {@code budget_mb} (memory budget), {@code store} (the page store, by the name of a
 * {@link PageStoreFactory} found by {@link ServiceLoader}: {@code zcache} when tmem-zcache is there,
 * the default then, and {@code raw}), {@code client} (the engine client's name),
 * {@code pressure_percent} (when it reports memory pressure), and the parameters of every store
 * found ({@code codec=zstd}, {@code max_pool_percent=20}, ...), each for its store only.
 */
public final class LocalBackendProvider implements BackendProvider {

    public static final String NAME = "local";

    /** For {@link java.util.ServiceLoader}. */
    public LocalBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "pages kept in this JVM by a tmem engine (off-heap)";
    }

    @Override
    public List<BackendParameter> parameters() {
        Map<String, PageStoreFactory> stores = stores();
        List<BackendParameter> params = new ArrayList<>(List.of(
                BackendParameter.ofLong("budget_mb", 256, 1, 1L << 20, "memory budget of the engine in MiB"),
                BackendParameter.ofChoice("store", defaultStore(stores), List.copyOf(stores.keySet()),
                        "page store: " + describe(stores)),
                BackendParameter.ofString("client", "frontends", "name of the engine client (1 to 64 bytes)"),
                BackendParameter.ofLong("pressure_percent", LocalBackend.DEFAULT_PRESSURE_PERCENT, 1, 100,
                        "memory in use, in percent of the budget, from which the backend reports pressure")));
        for (PageStoreFactory f : stores.values()) {
            f.parameters().forEach((key, what) ->
                    params.add(BackendParameter.ofString(key, "", "(store=" + f.name() + ") " + what)));
        }
        return List.copyOf(params);
    }

    @Override
    public TmemBackend create(BackendParameters params) {
        String clientName = params.getString("client");
        if (clientName.isEmpty() || clientName.getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new BackendConfigException("backend local: parameter client must be 1 to 64 bytes, was '"
                    + clientName + "'");
        }
        Map<String, PageStoreFactory> stores = stores();
        PageStoreFactory factory = stores.get(params.getString("store"));
        Map<String, String> storeParams = new LinkedHashMap<>();
        for (PageStoreFactory f : stores.values()) {
            for (String key : f.parameters().keySet()) {
                if (params.isGiven(key)) {
                    if (f != factory && !factory.parameters().containsKey(key)) {
                        throw new BackendConfigException("backend local: parameter " + key + " is for store="
                                + f.name() + ", not store=" + factory.name());
                    }
                    storeParams.put(key, params.getString(key));
                }
            }
        }
        long budget = params.getLong("budget_mb") << 20;
        try {
            return LocalBackend.create(factory.create(storeParams, budget), budget, clientName)
                    .pressurePercent((int) params.getLong("pressure_percent"));
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException("backend local, store=" + factory.name() + ": " + e.getMessage(), e);
        }
    }

    private static String defaultStore(Map<String, PageStoreFactory> stores) {
        return stores.containsKey("zcache") ? "zcache" : RawPageStoreFactory.NAME;
    }

    /** The page stores found, by name; {@code raw} first. */
    static Map<String, PageStoreFactory> stores() {
        Map<String, PageStoreFactory> byName = new LinkedHashMap<>();
        RawPageStoreFactory raw = new RawPageStoreFactory();
        byName.put(raw.name(), raw);
        for (PageStoreFactory f : ServiceLoader.load(PageStoreFactory.class, LocalBackendProvider.class.getClassLoader())) {
            byName.putIfAbsent(f.name(), f);
        }
        return byName;
    }

    private static String describe(Map<String, PageStoreFactory> stores) {
        List<String> parts = new ArrayList<>();
        stores.forEach((n, f) -> parts.add(n + " (" + f.description() + ")"));
        return String.join(", ", parts);
    }
}

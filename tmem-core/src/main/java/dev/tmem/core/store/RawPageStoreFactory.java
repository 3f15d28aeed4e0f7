package dev.tmem.core.store;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.spi.PageStoreFactory;
import java.util.Map;

/** The {@code raw} store: {@link OffHeapPageStore}, pages kept uncompressed off-heap; no parameters. */
public final class RawPageStoreFactory implements PageStoreFactory {

    public static final String NAME = "raw";

    /** For {@link java.util.ServiceLoader}. */
    public RawPageStoreFactory() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "uncompressed, off-heap";
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of();
    }

    @Override
    public PageStore create(Map<String, String> params, long budgetBytes) {
        if (!params.isEmpty()) {
            throw new IllegalArgumentException("store raw takes no parameters, got " + params.keySet());
        }
        return new OffHeapPageStore();
    }
}

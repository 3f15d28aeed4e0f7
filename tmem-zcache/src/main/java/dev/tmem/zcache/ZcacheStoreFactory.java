package dev.tmem.zcache;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.spi.PageStoreFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code zcache} store by name ({@link java.util.ServiceLoader}), with {@link ZcacheConfig}'s
 * parameters. Unless {@code max_pool_bytes} or {@code max_pool_percent} is given, the store's limit
 * is the engine's budget.
 */
public final class ZcacheStoreFactory implements PageStoreFactory {

    public static final String NAME = "zcache";

    /** For {@link java.util.ServiceLoader}. */
    public ZcacheStoreFactory() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "compressed, off-heap";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("codec", "lz4 (default), zstd, deflate or none");
        p.put("level", "compression level: zstd 1..22 (default 3), deflate 0..9 (default 6)");
        p.put("max_pool_bytes", "the store's own limit, bytes or with k/m/g (default: the engine's budget)");
        p.put("max_pool_percent", "the store's own limit in percent of physical memory, 1..100");
        p.put("reject_threshold_percent", "a page compressed above this share of its size is incompressible (87.5)");
        p.put("incompressible", "raw (keep it uncompressed, the default) or reject");
        p.put("accept_threshold_percent", "once full, accept pages again below this share of the limit (90)");
        return p;
    }

    @Override
    public PageStore create(Map<String, String> params, long budgetBytes) {
        Map<String, String> all = new HashMap<>(params);
        if (!all.containsKey("max_pool_bytes") && !all.containsKey("max_pool_percent")) {
            all.put("max_pool_bytes", Long.toString(budgetBytes));
        }
        return new ZcachePageStore(ZcacheConfig.parse(all));
    }
}

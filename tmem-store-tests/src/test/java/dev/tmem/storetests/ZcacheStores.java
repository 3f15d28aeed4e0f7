package dev.tmem.storetests;

import dev.tmem.core.spi.PageStore;
import dev.tmem.zcache.ZcacheConfig;
import dev.tmem.zcache.ZcachePageStore;
import java.util.function.Supplier;

/**
 * The stores of the matrix, named to the core tests by the system property
 * {@code tmem.test.store.factory} (see the surefire executions in this module's pom). Each store may
 * hold up to 1 GiB so that only the engine's budget, which the tests set, limits what fits.
 */
public final class ZcacheStores {

    private ZcacheStores() {}

    static PageStore zcache(String codec) {
        return new ZcachePageStore(ZcacheConfig.builder().codec(codec).maxPoolBytes(1L << 30).build());
    }

    public static final class Lz4 implements Supplier<PageStore> {
        @Override
        public PageStore get() {
            return zcache("lz4");
        }
    }

    public static final class Zstd implements Supplier<PageStore> {
        @Override
        public PageStore get() {
            return zcache("zstd");
        }
    }

    public static final class Deflate implements Supplier<PageStore> {
        @Override
        public PageStore get() {
            return zcache("deflate");
        }
    }

    public static final class None implements Supplier<PageStore> {
        @Override
        public PageStore get() {
            return zcache("none");
        }
    }
}

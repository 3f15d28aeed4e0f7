package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.spi.PageStoreFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZcacheStoreFactoryTest {

    @Test
    void zcacheIsProvidedToTheServiceLoaderOnTheModuleAndTheClassPath() throws Exception {
        // module path: the descriptor provides it (a caller that `uses` the service finds it)
        var provides = ZcacheStoreFactory.class.getModule().getDescriptor().provides();
        assertThat(provides).anySatisfy(p -> {
            assertThat(p.service()).isEqualTo(PageStoreFactory.class.getName());
            assertThat(p.providers()).contains(ZcacheStoreFactory.class.getName());
        });
        // class path: the services file names it
        try (var in = ZcacheStoreFactory.class.getModule()
                .getResourceAsStream("META-INF/services/" + PageStoreFactory.class.getName())) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
                    .isEqualTo(ZcacheStoreFactory.class.getName());
        }
        assertThat(new ZcacheStoreFactory().parameters()).containsKeys(ZcacheConfig.KEYS.toArray(String[]::new));
    }

    @Test
    void parametersReachTheStoreAndItsLimitDefaultsToTheBudget() {
        PageStoreFactory f = new ZcacheStoreFactory();
        try (PageStore s = f.create(Map.of("codec", "deflate", "level", "9"), 32L << 20)) {
            ZcachePageStore z = (ZcachePageStore) s;
            assertThat(z.name()).isEqualTo("zcache-deflate");
            assertThat(z.config().codecParams()).containsEntry("level", "9");
            assertThat(z.config().maxPoolBytes()).isEqualTo(32L << 20);
        }
        try (PageStore s = f.create(Map.of("max_pool_bytes", "8m"), 32L << 20)) {
            assertThat(((ZcachePageStore) s).config().maxPoolBytes()).isEqualTo(8L << 20);
        }
        assertThatThrownBy(() -> f.create(Map.of("colour", "red"), 1L << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown zcache parameter 'colour'");
    }
}

package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.zcache.ZcacheConfig.Incompressible;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's zcache example, as written there, with its results checked. */
class ZcacheReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() {
        List<MemorySegment> pages = RealPages.sample(4096, 8, 5);
        ZcachePageStore zcache = new ZcachePageStore(ZcacheConfig.builder()
                .codec("zstd").level(3)
                .maxPoolBytes(256L << 20)
                .incompressible(Incompressible.RAW)
                .build());
        try (TmemEngine engine = TmemEngine.builder().store(zcache).budgetBytes(256L << 20).build()) {
            TmemClient client = engine.client("my-service");
            PoolId swap = client.newPool(PoolSpec.persistent(4096));
            for (int i = 0; i < pages.size(); i++) {
                assertThat(client.putPage(swap, ObjectId.of(7), i, pages.get(i))).isTrue();
            }
            MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
            for (int i = 0; i < pages.size(); i++) {
                assertThat(client.getPage(swap, ObjectId.of(7), i, dst)).isTrue();
                assertThat(dst.mismatch(pages.get(i))).isEqualTo(-1);
            }
            ZcacheStats s = zcache.stats();
            assertThat(s.pages()).isEqualTo(pages.size());
            assertThat(engine.stats().bytesStored()).isEqualTo(s.bytesStored());
            assertThat(s.toString()).contains("compressedPages");
        }
    }
}

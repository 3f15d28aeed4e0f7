package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The library example of README.md, kept compiling and true. Change both together. */
class ReadmeExampleTest {

    @Test
    void readmeLibraryExampleWorksAsDescribed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            page.fill((byte) 42);
            MemorySegment dst = arena.allocate(4096);

            try (TmemEngine engine = TmemEngine.builder().budgetBytes(512L << 20).build()) {
                TmemClient client = engine.client("my-service");
                PoolId swap = client.newPool(PoolSpec.persistent(4096));   // pages stay until flushed
                PoolId cache = client.newPool(PoolSpec.ephemeral(4096));   // pages may be evicted

                client.putPage(swap, ObjectId.of(7), 42, page);            // copies the 4096 bytes
                boolean hit = client.getPage(swap, ObjectId.of(7), 42, dst); // copies them back
                assertThat(hit).isTrue();
                assertThat(dst.mismatch(page)).isEqualTo(-1L);
                assertThat(client.flushObject(swap, ObjectId.of(7))).isEqualTo(1); // drops every page of object 7

                client.putPage(swap, ObjectId.of(8), 0, page);
                try (PinnedPage pin = client.pin(swap, ObjectId.of(8), 0)) { // zero-copy, read-only
                    assertThat(pin).isNotNull();
                    assertThat(pin.segment().get(ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 42);
                }
                assertThat(client.pin(swap, ObjectId.of(9), 0)).as("a miss pins nothing").isNull();
                assertThat(client.poolSpec(cache).kind()).isEqualTo(PoolKind.EPHEMERAL);
                assertThat(engine.stats().pagesPersistent()).isEqualTo(1);
            }
        }
    }
}

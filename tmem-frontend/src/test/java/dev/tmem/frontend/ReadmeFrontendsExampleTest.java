package dev.tmem.frontend;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.file.CachedFileChannel;
import dev.tmem.frontend.file.CachedFileSystem;
import dev.tmem.frontend.file.SwapFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of README.md's "Using the frontends from code", run and checked. The last test makes
 * sure the README shows exactly these lines: change both together.
 */
class ReadmeFrontendsExampleTest {

    @TempDir
    Path dir;

    private final byte[] data = new byte[3 * 4096 + 100];
    private final byte[] swapped = new byte[4096];

    @Test
    void theReadmeExample_worksAsDescribed() throws IOException {
        new SplittableRandom(1).nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        example(dir);
    }

    void example(Path dir) throws IOException {                   // dir holds data.bin, a file to read
        try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096);
                CachedFileSystem files = new CachedFileSystem(frontends.cleancache(), 4096, 64);
                CachedFileChannel ch = files.open(dir.resolve("data.bin"), StandardOpenOption.READ);  // mounts
                SwapFile swap = SwapFile.create(dir.resolve("swap.img"), 1024, frontends.frontswap(), 0)) {  // swapon
            ByteBuffer buf = ByteBuffer.allocate(10_000);
            MemorySegment page = MemorySegment.ofArray(new byte[4096]);   // a page of the program's memory
            new SplittableRandom(2).nextBytes(swapped);
            MemorySegment.copy(MemorySegment.ofArray(swapped), 0, page, 0, 4096);

            ch.read(buf, 0);                                       // no backend yet: the buffer, else the file
            assertThat(buf.array()).isEqualTo(Arrays.copyOf(data, 10_000));
            long early = swap.swapOut(page);                       // frontswap refuses it: written to swap.img
            assertThat(frontends.frontswap().stats().storesNoBackend()).isEqualTo(1);

            frontends.load("local", List.of("budget_mb=64"));      // by name: zcache, lz4; replays fs and area, publishes
            assertThat(frontends.backend().name()).isEqualTo("local(zcache-lz4)");
            ch.read(buf.clear(), 0);                               // the buffer, then cleancache, then the file
            assertThat(buf.array()).isEqualTo(Arrays.copyOf(data, 10_000));
            long slot = swap.swapOut(page);                        // kept by frontswap: nothing written
            assertThat(frontends.frontswap().isStored(0, slot)).isTrue();
            swap.swapIn(slot, page);                               // from frontswap
            assertThat(page.toArray(JAVA_BYTE)).isEqualTo(swapped);
            swap.swapIn(early, page);                              // from swap.img
            assertThat(page.toArray(JAVA_BYTE)).isEqualTo(swapped);

            frontends.unload();                                    // slot's page goes to swap.img first
            assertThat(frontends.frontswap().isStored(0, slot)).isFalse();
            swap.swapIn(slot, page);                               // now from swap.img
            assertThat(page.toArray(JAVA_BYTE)).isEqualTo(swapped);
            System.out.println(frontends.frontswap().stats());     // loads=1, succStores=1, writtenBack=1, ...
            assertThat(frontends.frontswap().stats()).extracting(FrontswapStats::loads, FrontswapStats::succStores,
                    FrontswapStats::writtenBack, FrontswapStats::currPages).containsExactly(1L, 1L, 1L, 0L);
        }
    }

    @Test
    void theReadmeShowsExactlyTheseLines() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("\n### Using the frontends from code\n");
        assertThat(start).as("the README section").isPositive();
        int end = readme.indexOf("\n### ", start + 1);
        String section = readme.substring(start, end);
        List<String> test = Files.readAllLines(Path.of("src/test/java/dev/tmem/frontend/ReadmeFrontendsExampleTest.java"))
                .stream().map(String::strip).toList();
        int blocks = 0;
        for (int from = section.indexOf("```java\n"); from >= 0; from = section.indexOf("```java\n", from + 8)) {
            int to = section.indexOf("```", from + 8);
            for (String line : section.substring(from + 8, to).lines().map(String::strip).toList()) {
                if (!line.isEmpty() && !line.equals("}")) {
                    assertThat(test).as("ReadmeFrontendsExampleTest runs the README's line").contains(line);
                }
            }
            blocks++;
        }
        assertThat(blocks).as("java blocks in the section").isEqualTo(1);
    }
}

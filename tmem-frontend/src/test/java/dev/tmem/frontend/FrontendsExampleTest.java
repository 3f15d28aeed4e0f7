package dev.tmem.frontend;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.file.CachedFileSystem;
import dev.tmem.frontend.file.SwapFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/FRONTENDS.md, run and checked. The second test makes sure the document shows
 * exactly these lines: change both together.
 */
class FrontendsExampleTest {

    @Test
    void theDocumentedExample_worksAsDescribed() {
        byte[] bytes = TestSupport.page(1);
        MemorySegment dst = MemorySegment.ofArray(new byte[4096]);

        Map<Long, byte[]> swapArea = new ConcurrentHashMap<>();        // the swap device (a file, a disk)
        try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096)) {
            Cleancache cleancache = frontends.cleancache();
            Frontswap frontswap = frontends.frontswap();

            int fs = cleancache.initFs(4096);                          // mount, before any backend
            frontswap.init(0, (offset, page) -> swapArea.put(offset, page.toArray(JAVA_BYTE)));  // swapon

            MemorySegment page = MemorySegment.ofArray(bytes);
            boolean kept = frontswap.store(0, 17, page);              // false: no backend, write it yourself
            assertThat(kept).isFalse();

            frontends.load("local", List.of("budget_mb=64"));          // replays fs and area 0, then publishes
            kept = frontswap.store(0, 17, page);                      // true: the backend keeps it
            assertThat(kept).isTrue();
            cleancache.putPage(fs, ObjectId.of(42), 0, page);          // a clean page of file 42
            boolean hit = cleancache.getPage(fs, ObjectId.of(42), 0, dst);  // a hit removes it (private fs)
            assertThat(hit).isTrue();
            assertThat(dst.mismatch(page)).isEqualTo(-1L);

            frontends.unload();                                        // page 17 goes back to swapArea first
            assertThat(swapArea.get(17L)).isEqualTo(bytes);
            assertThat(frontswap.currPages()).isZero();
        }
    }

    @TempDir
    Path dir;

    @Test
    void theDocumentedFileAdapters_workAsDescribed() throws IOException {
        Files.write(dir.resolve("data.bin"), TestSupport.page(2));
        MemorySegment page = MemorySegment.ofArray(TestSupport.page(3));
        MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
        ByteBuffer buf = ByteBuffer.allocate(100);

        try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096)) {
            frontends.load("local", List.of("budget_mb=64"));
            try (CachedFileSystem files = new CachedFileSystem(frontends.cleancache(), 4096, 16);
                    FileChannel ch = files.open(dir.resolve("data.bin"), StandardOpenOption.READ)) {
                ch.read(buf, 10);                                      // buffer, then cleancache, then the file
                assertThat(buf.array()).isEqualTo(Arrays.copyOfRange(TestSupport.page(2), 10, 110));
            }
            try (SwapFile swap = SwapFile.create(dir.resolve("swap"), 1024, frontends.frontswap(), 1)) {
                long slot = swap.swapOut(page);                        // frontswap, else the slot in the file
                swap.swapIn(slot, dst);                                // frontswap, else the file
                assertThat(dst.mismatch(page)).isEqualTo(-1L);
                swap.free(slot);
            }
        }
    }

    @Test
    void theDocumentShowsExactlyTheseLines() throws IOException {
        String doc = Files.readString(Path.of("../docs/FRONTENDS.md"));
        List<String> test = Files.readAllLines(Path.of("src/test/java/dev/tmem/frontend/FrontendsExampleTest.java"))
                .stream().map(String::strip).toList();
        int blocks = 0;
        for (int start = doc.indexOf("```java\n"); start >= 0; start = doc.indexOf("```java\n", start + 8)) {
            int end = doc.indexOf("```", start + 8);
            for (String line : doc.substring(start + 8, end).lines().map(String::strip).toList()) {
                if (!line.isEmpty() && !line.equals("}")) {
                    assertThat(test).as("FrontendsExampleTest runs the documented line").contains(line);
                }
            }
            blocks++;
        }
        assertThat(blocks).as("java blocks in FRONTENDS.md").isEqualTo(2);
    }
}

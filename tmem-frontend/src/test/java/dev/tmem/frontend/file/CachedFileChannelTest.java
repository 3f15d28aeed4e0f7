package dev.tmem.frontend.file;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.frontend.Cleancache;
import dev.tmem.frontend.local.LocalBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cached {@code FileChannel} against a plain one: a seeded random workload of positional and
 * relative reads and writes of any size and alignment, truncates, reopens and transfers, with and
 * without a backend and across backend loads and unloads, must give byte for byte what the plain
 * channel gives.
 */
class CachedFileChannelTest {

    private static final int PS = 4096;
    /** Pages served by cleancache over all runs: the workload must reach it. */
    private static final LongAdder CLEANCACHE_HITS = new LongAdder();

    @TempDir
    Path tmp;

    private final Cleancache cc = new Cleancache();
    private final List<LocalBackend> backends = new ArrayList<>();

    @AfterEach
    void tearDown() {
        if (cc.backend() != null) {
            cc.unregister();
        }
        backends.forEach(LocalBackend::close);
    }

    @AfterAll
    static void cleancacheWasExercised() {
        assertThat(CLEANCACHE_HITS.sum()).as("pages the random runs found in cleancache").isPositive();
    }

    private LocalBackend backend() {
        LocalBackend b = LocalBackend.create(new OffHeapPageStore(), 256L * (PS + 48), "files");
        backends.add(b);
        return b;
    }

    static LongStream seeds() {
        return LongStream.range(1, 13);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomWorkload_readsExactlyWhatAPlainFileChannelReads(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path cachedPath = tmp.resolve("cached");
        Path plainPath = tmp.resolve("plain");
        ArrayDeque<String> trace = new ArrayDeque<>();
        CachedFileSystem cfs = new CachedFileSystem(cc, PS, 2 + rnd.nextInt(3));
        if (seed % 3 != 0) {
            cc.register(backend()); // a third of the runs start with no backend
        }
        FileChannel cached = cfs.open(cachedPath, CREATE, READ, WRITE);
        FileChannel plain = FileChannel.open(plainPath, CREATE, READ, WRITE);
        try {
            for (int i = 0; i < 1200; i++) {
                int r = rnd.nextInt(100);
                long pos = rnd.nextLong(6L * PS);
                int len = rnd.nextInt(100) < 20 ? rnd.nextInt(16) : rnd.nextInt(3 * PS);
                if (trace.size() > 20) {
                    trace.removeFirst();
                }
                if (r < 30) {
                    trace.addLast(i + ": read " + pos + "+" + len);
                    ByteBuffer a = ByteBuffer.allocate(len);
                    ByteBuffer b = ByteBuffer.allocate(len);
                    assertThat(cached.read(a, pos)).isEqualTo(plain.read(b, pos));
                    assertThat(a.array()).isEqualTo(b.array());
                } else if (r < 55) {
                    trace.addLast(i + ": write " + pos + "+" + len);
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    assertThat(cached.write(ByteBuffer.wrap(data), pos)).isEqualTo(plain.write(ByteBuffer.wrap(data), pos));
                } else if (r < 65) {
                    trace.addLast(i + ": relative read at " + pos + "+" + len);
                    cached.position(pos);
                    plain.position(pos);
                    ByteBuffer[] a = {ByteBuffer.allocate(len / 2), ByteBuffer.allocate(len - len / 2)};
                    ByteBuffer[] b = {ByteBuffer.allocate(len / 2), ByteBuffer.allocate(len - len / 2)};
                    assertThat(cached.read(a)).isEqualTo(plain.read(b));
                    assertThat(a[0].array()).isEqualTo(b[0].array());
                    assertThat(a[1].array()).isEqualTo(b[1].array());
                    assertThat(cached.position()).isEqualTo(plain.position());
                } else if (r < 72) {
                    trace.addLast(i + ": relative write at " + pos + "+" + len);
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    cached.position(pos);
                    plain.position(pos);
                    assertThat(cached.write(ByteBuffer.wrap(data))).isEqualTo(plain.write(ByteBuffer.wrap(data)));
                    assertThat(cached.position()).isEqualTo(plain.position());
                } else if (r < 78) {
                    long size = rnd.nextLong(5L * PS);
                    trace.addLast(i + ": truncate " + size);
                    cached.truncate(size);
                    plain.truncate(size);
                } else if (r < 82) {
                    trace.addLast(i + ": transferTo " + pos + "+" + len);
                    ByteArrayOutputStream a = new ByteArrayOutputStream();
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    assertThat(cached.transferTo(pos, len, Channels.newChannel(a)))
                            .isEqualTo(plain.transferTo(pos, len, Channels.newChannel(b)));
                    assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
                } else if (r < 86) {
                    trace.addLast(i + ": reopen");
                    cached.close();
                    cached = cfs.open(cachedPath, READ, WRITE);
                } else if (r < 90) {
                    trace.addLast(i + ": write through a second channel " + pos + "+" + len);
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    try (FileChannel second = cfs.open(cachedPath, WRITE)) {
                        second.write(ByteBuffer.wrap(data), pos);
                    }
                    plain.write(ByteBuffer.wrap(data), pos);
                } else if (r < 93) {
                    trace.addLast(i + ": register a backend");
                    cc.register(backend());
                } else if (r < 95 && cc.backend() != null) {
                    trace.addLast(i + ": unregister");
                    cc.unregister();
                }
                assertThat(cached.size()).isEqualTo(plain.size());
            }
            assertThat(Files.readAllBytes(cachedPath)).isEqualTo(Files.readAllBytes(plainPath));
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ", last operations:\n  " + String.join("\n  ", trace), e);
        } finally {
            cached.close();
            plain.close();
            CLEANCACHE_HITS.add(cfs.cleancacheHits());
            cfs.close();
        }
    }

    @Test
    void evictedPagesAreFoundInCleancache_andCloseInvalidatesTheFile() throws IOException {
        cc.register(backend());
        Path p = tmp.resolve("f");
        byte[] content = new byte[8 * PS];
        new SplittableRandom(5).nextBytes(content);
        Files.write(p, content);
        try (CachedFileSystem cfs = new CachedFileSystem(cc, PS, 2)) {
            assertThat(cc.filesystems()).isEmpty(); // mounted on the first open
            try (FileChannel ch = cfs.open(p, READ)) {
                assertThat(cc.filesystems()).hasSize(1);
                ByteBuffer all = ByteBuffer.allocate(content.length);
                ch.read(all, 0); // 8 pages through a 2-page buffer: 6 go to cleancache
                assertThat(cc.stats().puts()).isEqualTo(6);
                ByteBuffer again = ByteBuffer.allocate(content.length);
                ch.read(again, 0);
                assertThat(again.array()).isEqualTo(content);
                assertThat(cfs.cleancacheHits()).isPositive();
                assertThat(cfs.fileReads()).isEqualTo(8 + (8 - cfs.cleancacheHits()));
            }
            long pagesBefore = backends.getFirst().engine().stats().pages();
            assertThat(pagesBefore).isZero(); // the last close invalidated the inode
        }
        assertThat(cc.filesystems()).isEmpty(); // closing the filesystem unmounted it
    }

    @Test
    void badUse_isAClearError() throws IOException {
        Path p = tmp.resolve("g");
        CachedFileSystem cfs = new CachedFileSystem(cc, PS, 2);
        FileChannel ch = cfs.open(p, CREATE, WRITE);
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(4), 0)).isInstanceOf(java.nio.channels.NonReadableChannelException.class);
        assertThatThrownBy(() -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("bypass the page cache");
        assertThatThrownBy(cfs::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("has open files");
        ch.close();
        assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(4), 0)).isInstanceOf(ClosedChannelException.class);
        try (FileChannel ro = cfs.open(p, READ)) {
            assertThatThrownBy(() -> ro.write(ByteBuffer.allocate(4), 0)).isInstanceOf(NonWritableChannelException.class);
            assertThatThrownBy(() -> ro.truncate(0)).isInstanceOf(NonWritableChannelException.class);
        }
        cfs.close();
        assertThatThrownBy(() -> cfs.open(p, READ)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cached filesystem is closed");
        assertThatThrownBy(() -> new CachedFileSystem(cc, PS, 0)).hasMessageContaining("bufferPages must be >= 1");
    }

    @Test
    void appendAndTruncateExisting_behaveAsForAPlainChannel() throws IOException {
        Path p = tmp.resolve("h");
        Files.write(p, new byte[] {1, 2, 3});
        try (CachedFileSystem cfs = new CachedFileSystem(cc, PS, 2)) {
            try (FileChannel ch = cfs.open(p, APPEND)) {
                ch.write(ByteBuffer.wrap(new byte[] {4, 5}));
            }
            try (FileChannel ch = cfs.open(p, READ)) {
                ByteBuffer b = ByteBuffer.allocate(5);
                ch.read(b, 0);
                assertThat(b.array()).isEqualTo(new byte[] {1, 2, 3, 4, 5});
                try (FileChannel t = cfs.open(p, WRITE, TRUNCATE_EXISTING)) {
                    assertThat(t.size()).isZero();
                }
                assertThat(ch.read(ByteBuffer.allocate(1), 0)).isEqualTo(-1);
            }
        }
        assertThat(Arrays.equals(Files.readAllBytes(p), new byte[0])).isTrue();
    }
}

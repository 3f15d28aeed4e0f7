package dev.tmem.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every peer adapter keeps the {@link PeerStore} contract with a tiny budget: a get returns exactly
 * the bytes last put at its key (in the form the subject fills), a key never put misses, a put
 * replaces, and the store counts what it holds.
 */
class PeerStoreTest {

    static final long BUDGET = 4L << 20;
    static final int KEYS = 256;

    @ParameterizedTest
    @EnumSource(Subject.class)
    void getReturnsWhatTheLastPutStoredAndMissesKeysNeverPut(Subject subject) {
        try (Arena arena = Arena.ofShared(); PeerStore store = subject.open(BUDGET, KEYS)) {
            Page[] first = pages(arena, KEYS, 1);
            Page[] second = pages(arena, KEYS, 2);
            for (int k = 0; k < KEYS; k += 2) { // even keys only
                assertThat(store.put(k, first[k])).as("put %d", k).isTrue();
            }
            for (int k = 0; k < KEYS; k += 4) { // every fourth key replaced
                assertThat(store.put(k, second[k])).as("replace %d", k).isTrue();
            }
            Page dst = Page.allocate(arena);
            for (int k = 0; k < KEYS; k++) {
                boolean hit = store.get(k, dst);
                if (k % 2 == 1) {
                    assertThat(hit).as("%s: key %d was never put", subject, k).isFalse();
                    continue;
                }
                assertThat(hit).as("%s: key %d", subject, k).isTrue();
                Page expected = k % 4 == 0 ? second[k] : first[k];
                MemorySegment got = store.fillsSegment() ? dst.segment() : MemorySegment.ofArray(dst.bytes());
                assertThat(got.mismatch(expected.segment())).as("%s: bytes of key %d", subject, k).isEqualTo(-1);
            }
            assertThat(store.pages()).isEqualTo(KEYS / 2);
            if (subject == Subject.CAFFEINE) {
                assertThat(store.offHeapBytes()).isZero();
            } else {
                assertThat(store.offHeapBytes()).as("%s keeps its pages off heap", subject)
                        .isGreaterThanOrEqualTo((long) (KEYS / 2) * Page.SIZE / 4);
            }
            assertThat(store.describe()).isNotBlank();
        }
    }

    @ParameterizedTest
    @EnumSource(Subject.class)
    void putCopiesTheCallersBytes(Subject subject) {
        try (Arena arena = Arena.ofShared(); PeerStore store = subject.open(BUDGET, KEYS)) {
            Page page = pages(arena, 1, 3)[0];
            Page original = Page.copyOf(page.segment(), arena);
            store.put(7, page);
            page.segment().fill((byte) 0x55); // the caller reuses its buffer in both forms
            java.util.Arrays.fill(page.bytes(), (byte) 0x55);

            Page dst = Page.allocate(arena);
            assertThat(store.get(7, dst)).isTrue();
            MemorySegment got = store.fillsSegment() ? dst.segment() : MemorySegment.ofArray(dst.bytes());
            assertThat(got.mismatch(original.segment())).isEqualTo(-1);
        }
    }

    @org.junit.jupiter.api.Test
    void chronicleMapRefusesToRunWithAnalyticsOn() {
        String before = System.getProperty("chronicle.analytics.disable");
        System.clearProperty("chronicle.analytics.disable");
        try {
            assertThatThrownBy(() -> new ChronicleMapPeer(BUDGET))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("-Dchronicle.analytics.disable=true");
        } finally {
            if (before != null) {
                System.setProperty("chronicle.analytics.disable", before);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void childJvmFlagsGiveEachSubjectWhatItNeeds() {
        long budget = 320L << 20;
        assertThat(Subject.CHRONICLE_MAP.jvmFlags(budget)).contains("-Dchronicle.analytics.disable=true",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
        assertThat(Subject.OHC.jvmFlags(budget)).contains("--sun-misc-unsafe-memory-access=allow");
        assertThat(Subject.EHCACHE.jvmFlags(budget)).contains("-XX:MaxDirectMemorySize=576m");
        assertThat(Subject.CAFFEINE.jvmFlags(budget)).as("heap for the budget and the collector")
                .contains("-Xmx" + (320 * 3 / 2 + Subject.OFF_HEAP_SUBJECT_HEAP_MIB) + "m");
        for (Subject s : Subject.values()) {
            assertThat(Subject.of(s.label())).isEqualTo(s);
            assertThat(s.jvmFlags(budget)).contains("--enable-native-access=ALL-UNNAMED");
        }
        assertThatThrownBy(() -> Subject.of("redis")).hasMessageContaining("tmem-raw");
    }

    @org.junit.jupiter.api.Test
    void mixesAndSizesHaveTheirNames() {
        assertThat(Mix.parse("set10-get90")).isEqualTo(Mix.SET10_GET90);
        assertThat(Mix.SET50_GET50.label()).isEqualTo("set50-get50");
        assertThatThrownBy(() -> Mix.parse("set10-get80")).hasMessageContaining("N + M = 100");
        assertThat(PeerChild.sizeLabel(256L << 20)).isEqualTo("256MiB");
        assertThat(PeerChild.sizeLabel(2L << 30)).isEqualTo("2GiB");
        assertThat(PeerChild.sizeLabel(1536L << 20)).isEqualTo("1536MiB");
        assertThat(PeerChild.workload("corpus", 256L << 20, Mix.SET10_GET90)).isEqualTo("corpus-256MiB-set10-get90");
        assertThat(ProcStatus.parseKiB("VmRSS:\t  123456 kB")).isEqualTo(123456L * 1024);
    }

    /** {@code n} distinct pages of random bytes from seed {@code seed}. */
    static Page[] pages(Arena arena, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Page[] pages = new Page[n];
        byte[] bytes = new byte[Page.SIZE];
        for (int i = 0; i < n; i++) {
            random.nextBytes(bytes);
            pages[i] = Page.copyOf(MemorySegment.ofArray(bytes), arena);
        }
        return pages;
    }
}

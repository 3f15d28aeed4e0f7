package dev.tmem.zcache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Page contents and segment kinds for codec tests. */
final class TestPages {

    private TestPages() {}

    /** How a test segment is allocated: codecs must give the same bytes for each. */
    enum Kind {
        NATIVE, HEAP, HEAP_AT_OFFSET, LONG_ARRAY;

        MemorySegment allocate(int size) {
            return switch (this) {
                case NATIVE -> Arena.ofAuto().allocate(size, 8);
                case HEAP -> MemorySegment.ofArray(new byte[size]);
                case HEAP_AT_OFFSET -> MemorySegment.ofArray(new byte[size + 40]).asSlice(24, size);
                case LONG_ARRAY -> MemorySegment.ofArray(new long[(size + 7) / 8]).asSlice(0, size);
            };
        }

        MemorySegment copyOf(MemorySegment page) {
            MemorySegment s = allocate((int) page.byteSize());
            s.copyFrom(page);
            return s;
        }
    }

    /** Kinds of page content, from incompressible to trivially compressible. */
    enum Content {
        RANDOM, TEXT, ZEROS, PATTERN, HALF_ZERO, SMALL_ALPHABET;

        MemorySegment page(int size, long seed) {
            MemorySegment p = MemorySegment.ofArray(new byte[size]);
            SplittableRandom r = new SplittableRandom(seed);
            switch (this) {
                case RANDOM -> random(p, r, 0, size);
                case TEXT -> text(p, r);
                case ZEROS -> { }
                case PATTERN -> {
                    byte[] unit = new byte[1 + r.nextInt(24)];
                    r.nextBytes(unit);
                    for (int i = 0; i < size; i++) {
                        p.set(ValueLayout.JAVA_BYTE, i, unit[i % unit.length]);
                    }
                }
                case HALF_ZERO -> random(p, r, 0, size / 2);
                case SMALL_ALPHABET -> {
                    for (int i = 0; i < size; i++) {
                        p.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(4));
                    }
                }
            }
            return p;
        }
    }

    private static final String[] WORDS = ("the of and page memory cache store handle pool object index "
            + "compress zswap zram frontswap cleancache kernel slab arena segment thread lock budget "
            + "evict flush put get <tag> </tag> = ; { } 0 1 2 3 42 1024 4096").split(" ");

    private static void text(MemorySegment p, SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < p.byteSize()) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(12) == 0 ? "\n" : " ");
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, p, 0, p.byteSize());
    }

    static MemorySegment random(int size, long seed) {
        return Content.RANDOM.page(size, seed);
    }

    private static void random(MemorySegment p, SplittableRandom r, int from, int to) {
        for (int i = from; i < to; i += 8) {
            p.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        }
    }

    /** A copy of the first {@code n} bytes of {@code s}, on the heap. */
    static MemorySegment prefix(MemorySegment s, long n) {
        return MemorySegment.ofArray(s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
    }
}

package dev.tmem.bench.corpus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What a corpus is made of: pages per kind, and of those how many are zero pages and how many are
 * same-filled. A page is <em>same-filled</em> when it is one 8-byte pattern repeated (zswap's
 * definition); zero pages are same-filled too, so {@code zeroPages <= sameFilledPages}.
 *
 * @param kinds one entry per {@link PageKind}, in declaration order, kinds without pages included
 */
public record Composition(List<KindCount> kinds) {

    /** The pages of one kind. */
    public record KindCount(PageKind kind, long pages, long zeroPages, long sameFilledPages) {}

    public Composition {
        kinds = List.copyOf(kinds);
    }

    /** Counts the pages of {@code pages} ({@code kinds.length} pages of {@code pageSize} bytes). */
    public static Composition count(MemorySegment pages, byte[] kinds, int pageSize) {
        long[][] counts = new long[PageKind.values().length][3];
        for (int i = 0; i < kinds.length; i++) {
            MemorySegment page = pages.asSlice((long) i * pageSize, pageSize);
            long[] c = counts[kinds[i]];
            c[0]++;
            if (isSameFilled(page)) {
                c[2]++;
                if (page.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == 0) {
                    c[1]++;
                }
            }
        }
        List<KindCount> list = new ArrayList<>();
        for (PageKind kind : PageKind.values()) {
            long[] c = counts[kind.ordinal()];
            list.add(new KindCount(kind, c[0], c[1], c[2]));
        }
        return new Composition(list);
    }

    /** True if the page is its first 8 bytes repeated; its size must be a multiple of 8. */
    public static boolean isSameFilled(MemorySegment page) {
        long first = page.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        for (long off = Long.BYTES; off < page.byteSize(); off += Long.BYTES) {
            if (page.get(ValueLayout.JAVA_LONG_UNALIGNED, off) != first) {
                return false;
            }
        }
        return true;
    }

    public KindCount of(PageKind kind) {
        return kinds.get(kind.ordinal());
    }

    public long pages() {
        return kinds.stream().mapToLong(KindCount::pages).sum();
    }

    public long zeroPages() {
        return kinds.stream().mapToLong(KindCount::zeroPages).sum();
    }

    public long sameFilledPages() {
        return kinds.stream().mapToLong(KindCount::sameFilledPages).sum();
    }
}

package dev.tmem.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.assertj.core.presentation.StandardRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The base of the spec-driven tests (in the spirit of Caffeine's {@code @CacheSpec}): engines made
 * here are checked after each test by {@link Harness#checkInvariants()} and then closed; the
 * {@code MethodSource}s give the matrix pool kind x page size.
 */
abstract class SpecTestBase {

    static final int[] PAGE_SIZES = {4096, 16384, 65536};

    static {
        // a failing page comparison prints a short fingerprint, not 65536 numbers
        Assertions.useRepresentation(new StandardRepresentation() {
            @Override
            public String toStringOf(Object o) {
                if (o instanceof byte[] b) {
                    return "byte[%d]{hash=%08x, first=%s}".formatted(b.length, Arrays.hashCode(b),
                            Arrays.toString(Arrays.copyOf(b, Math.min(b.length, 6))));
                }
                return super.toStringOf(o);
            }
        });
    }

    private final List<Harness> harnesses = new ArrayList<>();

    /** An engine with the default (raw off-heap) store and this budget. */
    Harness harness(long budget) {
        return harness(budget, null, b -> {});
    }

    Harness harness(long budget, Consumer<TmemEngine.Builder> config) {
        return harness(budget, null, config);
    }

    Harness harness(long budget, TestPageStore store, Consumer<TmemEngine.Builder> config) {
        Harness h = new Harness(budget, store, config);
        harnesses.add(h);
        return h;
    }

    @AfterEach
    void checkInvariantsAndClose() {
        Throwable first = null;
        try {
            for (Harness h : harnesses) {
                h.releasePins();
            }
            for (Harness h : harnesses) {
                h.checkInvariants();
            }
        } catch (RuntimeException | AssertionError e) {
            first = e;
        }
        for (Harness h : harnesses) {
            try {
                h.closeAtEnd();
            } catch (RuntimeException | AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof AssertionError a) {
            throw a;
        }
    }

    // ---------------------------------------------------------------- the matrix

    static Stream<Arguments> kindsAndSizes() {
        return Stream.of(Kind.values())
                .flatMap(k -> IntStream.of(PAGE_SIZES).mapToObj(ps -> Arguments.of(k, ps)));
    }

    static Stream<Arguments> ephemeralKindsAndSizes() {
        return kindsAndSizes().filter(a -> ((Kind) a.get()[0]).ephemeral());
    }

    static IntStream pageSizes() {
        return IntStream.of(PAGE_SIZES);
    }

    // ---------------------------------------------------------------- pages

    /** A page of pseudo-random bytes; distinct tags give distinct pages. */
    static byte[] page(int pageSize, int tag) {
        byte[] p = new byte[pageSize];
        new SplittableRandom(0x5EED_0000L + tag * 31L + pageSize).nextBytes(p);
        return p;
    }

    static long cost(int pageSize) {
        return Harness.cost(pageSize);
    }

    static long budgetFor(int pages, int pageSize) {
        return Harness.budgetFor(pages, pageSize);
    }
}

package dev.tmem.core;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * The page store the engine tests run over: the raw off-heap store, or the one named by the system
 * property {@value #FACTORY_PROPERTY} (the class name of a {@code Supplier<PageStore>} with a public
 * no-argument constructor). The store matrix (module {@code tmem-store-tests}) runs these tests again
 * with each zcache codec that way.
 *
 * <p>Tests that check the engine's accounting ask here what the store under test keeps for a given
 * page ({@link #sizes}), found by storing it in a probe store of the same kind.
 */
final class TestStores {

    static final String FACTORY_PROPERTY = "tmem.test.store.factory";

    private static final Supplier<PageStore> FACTORY = factory();
    private static final PageStore PROBE = FACTORY.get();

    private TestStores() {}

    /** A new store of the kind under test. */
    static PageStore create() {
        return FACTORY.get();
    }

    /** Whether the store under test is the raw store (charges are then exactly page sizes). */
    static boolean raw() {
        return PROBE instanceof OffHeapPageStore;
    }

    /** What the store under test keeps for a page: its {@code storedBytes} and {@code chargedBytes}. */
    record Sizes(long stored, long charged) {}

    /** What the store under test reports for a page with these bytes. */
    static Sizes sizes(byte[] page) {
        synchronized (PROBE) {
            long h = PROBE.store(MemorySegment.ofArray(page.clone()));
            if (h == PageStore.NO_HANDLE) {
                throw new IllegalStateException("the probe store refused a page");
            }
            try {
                return new Sizes(PROBE.storedBytes(h), PROBE.chargedBytes(h));
            } finally {
                PROBE.free(h);
            }
        }
    }

    /** The store's charge for an incompressible page of {@code pageSize} bytes. */
    static long incompressibleCharge(int pageSize) {
        byte[] page = new byte[pageSize];
        new java.util.SplittableRandom(pageSize).nextBytes(page);
        return sizes(page).charged();
    }

    @SuppressWarnings("unchecked")
    private static Supplier<PageStore> factory() {
        String name = System.getProperty(FACTORY_PROPERTY);
        if (name == null || name.isBlank()) {
            return OffHeapPageStore::new;
        }
        try {
            return (Supplier<PageStore>) Class.forName(name).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(FACTORY_PROPERTY + "=" + name + " is not a Supplier<PageStore> class", e);
        }
    }
}

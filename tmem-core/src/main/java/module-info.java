/**
 * The tmem core engine: maps handles (pool, 192-bit object id, 32-bit index) to pages kept by a
 * {@link dev.tmem.core.spi.PageStore}. See {@link dev.tmem.core.TmemEngine}.
 */
module dev.tmem.core {
    exports dev.tmem.core;
    exports dev.tmem.core.spi;
    exports dev.tmem.core.store;

    uses dev.tmem.core.spi.PageStoreFactory;

    provides dev.tmem.core.spi.PageStoreFactory with dev.tmem.core.store.RawPageStoreFactory;
}

/**
 * The tmem frontends: cleancache and frontswap over any backend, with lazy initialization and
 * backends loaded and unloaded at run time. See {@link dev.tmem.frontend.Frontends}.
 */
module dev.tmem.frontend {
    requires transitive dev.tmem.core;
    requires java.management;

    exports dev.tmem.frontend;
    exports dev.tmem.frontend.spi;
    exports dev.tmem.frontend.local;
    exports dev.tmem.frontend.file;
    exports dev.tmem.frontend.demo;

    uses dev.tmem.frontend.spi.BackendProvider;
    uses dev.tmem.core.spi.PageStoreFactory;

    provides dev.tmem.frontend.spi.BackendProvider with dev.tmem.frontend.local.LocalBackendProvider;
}

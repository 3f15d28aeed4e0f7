/**
 * The Java client of the tmem server ({@link dev.tmem.client.RemoteTmem}) and the {@code remote}
 * backend of the frontends ({@link dev.tmem.client.remote.RemoteBackend}), which makes a server's
 * memory the backend of cleancache and frontswap, as Xen's tmem shim does for a guest.
 */
module dev.tmem.client {
    requires transitive dev.tmem.protocol;
    requires transitive dev.tmem.frontend;

    exports dev.tmem.client;
    exports dev.tmem.client.remote;

    provides dev.tmem.frontend.spi.BackendProvider with dev.tmem.client.remote.RemoteBackendProvider;
}

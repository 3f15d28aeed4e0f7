package dev.tmem.frontend;

import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.frontend.local.LocalBackend;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import java.util.List;

/**
 * The template of a backend module shipped in a jar: {@link BackendRegistryTest} copies this class,
 * renamed into a package that is on no class path, into a jar of its own, so only a run-time
 * {@link BackendRegistry#loadJar} can find it. Kept free of lambdas and nested classes so the copy
 * is one class file.
 */
public final class JarredBackendProvider implements BackendProvider {

    public JarredBackendProvider() {}

    @Override
    public String name() {
        return "jarred";
    }

    @Override
    public String description() {
        return "a local engine, shipped in a jar loaded at run time";
    }

    @Override
    public List<BackendParameter> parameters() {
        return List.of(BackendParameter.ofLong("pages", 64, 1, 1 << 20, "budget in 4 KiB pages"));
    }

    @Override
    public TmemBackend create(BackendParameters params) {
        return LocalBackend.create(new OffHeapPageStore(), params.getLong("pages") * 4144, "jarred");
    }
}

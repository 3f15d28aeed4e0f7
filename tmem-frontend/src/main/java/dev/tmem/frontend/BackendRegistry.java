package dev.tmem.frontend;

import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The backend "modules" known by name: those on the class or module path ({@link #fromClassPath()})
 * and those loaded from jars at run time ({@link #loadJar}, the {@code modprobe} of this world).
 * {@link #create} makes a backend by name from {@code key=value} parameters.
 *
 * <p>Thread-safe. A jar's class loader stays open until {@link #close()}, since backends created
 * from it may still run.
 */
public final class BackendRegistry implements AutoCloseable {

    private final Map<String, Entry> providers = new LinkedHashMap<>();
    private final Map<Path, URLClassLoader> jars = new LinkedHashMap<>();

    private record Entry(BackendProvider provider, String source) {}

    private BackendRegistry() {}

    /** A registry with no backends. */
    public static BackendRegistry empty() {
        return new BackendRegistry();
    }

    /** A registry with every {@link BackendProvider} that {@link ServiceLoader} finds on the class or module path. */
    public static BackendRegistry fromClassPath() {
        BackendRegistry r = new BackendRegistry();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendRegistry.class.getClassLoader())) {
            r.add(p, "class path");
        }
        return r;
    }

    /**
     * Adds a provider.
     *
     * @throws BackendConfigException if a backend of the same name is known
     */
    public synchronized void add(BackendProvider provider) {
        add(provider, "added");
    }

    private synchronized void add(BackendProvider provider, String source) {
        Objects.requireNonNull(provider, "provider");
        checkName(provider, source);
        Entry old = providers.get(provider.name());
        if (old != null) {
            throw new BackendConfigException("backend '" + provider.name() + "' from " + source
                    + " is already provided by " + old.source());
        }
        providers.put(provider.name(), new Entry(provider, source));
    }

    /**
     * Loads the backend providers of a jar (its {@code META-INF/services/dev.tmem.frontend.spi.BackendProvider}
     * entries), whose classes may use this module's and tmem-core's exported packages.
     *
     * @return the providers added, by their names
     * @throws BackendConfigException if the file is missing or not a jar, provides no backend, was
     *     loaded already, or provides a name already known; nothing is added then
     */
    public synchronized List<String> loadJar(Path jar) {
        Objects.requireNonNull(jar, "jar");
        if (!Files.isRegularFile(jar)) {
            throw new BackendConfigException("backend jar " + jar + " is not a readable file");
        }
        Path real;
        try {
            real = jar.toRealPath();
        } catch (IOException e) {
            throw new BackendConfigException("backend jar " + jar + " cannot be resolved: " + e.getMessage(), e);
        }
        if (jars.containsKey(real)) {
            throw new BackendConfigException("backend jar " + real + " is already loaded");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("backend:" + real.getFileName(), new URL[] {real.toUri().toURL()},
                    BackendProvider.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new BackendConfigException("backend jar " + jar + ": bad path", e);
        }
        boolean success = false;
        try {
            List<BackendProvider> found = new ArrayList<>();
            try {
                ServiceLoader.load(BackendProvider.class, loader).stream()
                        .filter(p -> p.type().getClassLoader() == loader)
                        .forEach(p -> found.add(p.get()));
            } catch (ServiceConfigurationError e) {
                throw new BackendConfigException("backend jar " + real + ": bad provider: " + e.getMessage(), e);
            }
            if (found.isEmpty()) {
                throw new BackendConfigException("backend jar " + real + " provides no backend: it needs a "
                        + "META-INF/services/" + BackendProvider.class.getName() + " entry naming a class in the jar");
            }
            String source = "jar " + real;
            List<String> names = new ArrayList<>();
            for (BackendProvider p : found) {
                checkName(p, source);
                Entry old = providers.get(p.name());
                if (old != null || names.contains(p.name())) {
                    throw new BackendConfigException("backend '" + p.name() + "' from " + source + " is already provided by "
                            + (old != null ? old.source() : "the same jar"));
                }
                names.add(p.name());
            }
            for (BackendProvider p : found) {
                providers.put(p.name(), new Entry(p, source));
            }
            jars.put(real, loader);
            success = true;
            return List.copyOf(names);
        } finally {
            if (!success) {
                closeQuietly(loader);
            }
        }
    }

    /** The known backends' names, in the order they were added. */
    public synchronized List<String> names() {
        return List.copyOf(providers.keySet());
    }

    /**
     * The provider of backend {@code name}.
     *
     * @throws BackendConfigException if no backend has that name; the message lists the known ones
     */
    public synchronized BackendProvider provider(String name) {
        Objects.requireNonNull(name, "name");
        Entry e = providers.get(name);
        if (e == null) {
            throw new BackendConfigException("unknown backend '" + name + "'; available: "
                    + (providers.isEmpty() ? "none" : String.join(", ", providers.keySet())));
        }
        return e.provider();
    }

    /**
     * Creates backend {@code name} from {@code key=value} parameters.
     *
     * @throws BackendConfigException for an unknown name or a bad parameter; the message lists what
     *     is accepted
     */
    public TmemBackend create(String name, List<String> keyValues) {
        BackendProvider p = provider(name);
        List<BackendParameter> accepted = p.parameters();
        BackendParameters params = BackendParameters.parse(name, accepted, keyValues);
        TmemBackend b = p.create(params);
        if (b == null) {
            throw new BackendConfigException("backend '" + name + "' created nothing (its provider returned null)");
        }
        return b;
    }

    /** Every known backend with its description, source and parameters, for help texts. */
    public synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : providers.values()) {
            BackendProvider p = e.provider();
            sb.append(p.name()).append(": ").append(p.description()).append(" (").append(e.source()).append(")\n");
            for (BackendParameter param : p.parameters()) {
                sb.append("  ").append(param.describe()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Closes the class loaders of loaded jars; backends made from them must be closed first. */
    @Override
    public synchronized void close() {
        UncheckedIOException failure = null;
        for (URLClassLoader l : jars.values()) {
            try {
                l.close();
            } catch (IOException e) {
                failure = new UncheckedIOException("closing backend jar loader " + l.getName(), e);
            }
        }
        jars.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static void checkName(BackendProvider p, String source) {
        String name = p.name();
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new BackendConfigException("backend provider " + p.getClass().getName() + " from " + source
                    + " has a bad name '" + name + "': lower case letters, digits, - and _");
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing was loaded from it
        }
    }
}

package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.PS;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.constant.ClassDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend modules: discovery by name through ServiceLoader, jars loaded at run time, typed
 * {@code key=value} parameters, and the errors for unknown names, bad parameters and bad jars.
 */
class BackendRegistryTest {

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ discovery

    @Test
    void theLocalBackend_isFoundByNameOnTheModulePath_andCreatedWithDefaults() {
        BackendRegistry reg = BackendRegistry.fromClassPath();
        assertThat(reg.names()).contains("local");
        assertThat(reg.describe()).contains("local: ", "budget_mb=<integer 1..1048576> (default 256)", "store=<raw");

        try (TmemBackend b = reg.create("local", List.of())) {
            assertThat(b).isInstanceOf(LocalBackend.class);
            assertThat(b.name()).isEqualTo("local(zcache-lz4)"); // zcache, the default store, is on the path
            assertThat(((LocalBackend) b).engine().budgetBytes()).isEqualTo(256L << 20);
            assertThat(((LocalBackend) b).client().name()).isEqualTo("frontends");
        }
    }

    @Test
    void storeParameters_reachTheStore() {
        BackendRegistry reg = BackendRegistry.fromClassPath();
        try (TmemBackend b = reg.create("local", List.of("codec=zstd", "level=7", "budget_mb=8"))) {
            assertThat(b.name()).isEqualTo("local(zcache-zstd)");
            String store = ((LocalBackend) b).engine().store().toString(); // its name and every parameter
            assertThat(store).contains("level=7");
            assertThat(store).as("the store's limit defaults to the budget").contains("max_pool_bytes=" + (8L << 20));
        }
    }

    @Test
    void namedParameters_reachTheBackend() {
        BackendRegistry reg = BackendRegistry.fromClassPath();
        try (TmemBackend b = reg.create("local", List.of("budget_mb=3", "store=raw", "client=db-1"))) {
            assertThat(((LocalBackend) b).engine().budgetBytes()).isEqualTo(3L << 20);
            assertThat(((LocalBackend) b).client().name()).isEqualTo("db-1");
        }
    }

    @Test
    void anUnknownBackendName_listsTheKnownOnes() {
        BackendRegistry reg = BackendRegistry.fromClassPath();
        assertThatThrownBy(() -> reg.create("zcache", List.of()))
                .isInstanceOf(BackendConfigException.class)
                .hasMessage("unknown backend 'zcache'; available: local");
        assertThatThrownBy(() -> BackendRegistry.empty().provider("local"))
                .hasMessage("unknown backend 'local'; available: none");
    }

    @Test
    void badParameters_nameTheFieldAndListEveryAcceptedParameter() {
        BackendRegistry reg = BackendRegistry.fromClassPath();
        assertThatThrownBy(() -> reg.create("local", List.of("colour=red")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageStartingWith("backend local: unknown parameter 'colour'; backend local accepts:")
                .hasMessageContaining("budget_mb=<integer 1..1048576> (default 256)")
                .hasMessageContaining("store=<raw|zcache> (default zcache)")
                .hasMessageContaining("client=<text> (default frontends)")
                .hasMessageContaining("codec=<text>");
        assertThatThrownBy(() -> reg.create("local", List.of("budget_mb=lots")))
                .hasMessageStartingWith("backend local: parameter budget_mb: bad value 'lots', expected integer 1..1048576");
        assertThatThrownBy(() -> reg.create("local", List.of("budget_mb=0")))
                .hasMessageStartingWith("backend local: parameter budget_mb: bad value '0'");
        assertThatThrownBy(() -> reg.create("local", List.of("store=disk")))
                .hasMessageStartingWith("backend local: parameter store: bad value 'disk', expected raw|zcache");
        assertThatThrownBy(() -> reg.create("local", List.of("store=raw", "codec=zstd")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessage("backend local: parameter codec is for store=zcache, not store=raw");
        assertThatThrownBy(() -> reg.create("local", List.of("codec=snappy")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageStartingWith("backend local, store=zcache: unknown codec 'snappy'");
        assertThatThrownBy(() -> reg.create("local", List.of("budget_mb")))
                .hasMessageStartingWith("backend local: parameter 'budget_mb' is not of the form key=value");
        assertThatThrownBy(() -> reg.create("local", List.of("budget_mb=1", "budget_mb=2")))
                .hasMessage("backend local: parameter budget_mb given twice");
        assertThatThrownBy(() -> reg.create("local", List.of("client=")))
                .hasMessageContaining("parameter client must be 1 to 64 bytes");
    }

    @Test
    void theErrorListingShownInFrontendsMd_isTheRealMessage() throws IOException {
        String doc = Files.readString(Path.of("../docs/FRONTENDS.md"));
        int start = doc.indexOf("backend local: unknown parameter 'colour'");
        assertThat(start).as("the listing in FRONTENDS.md").isNotNegative();
        String shown = doc.substring(start, doc.indexOf("\n```", start));
        assertThatThrownBy(() -> BackendRegistry.fromClassPath().create("local", List.of("colour=red")))
                .hasMessage(shown);
    }

    @Test
    void parameters_parseEveryTypeWithDefaults() {
        List<BackendParameter> accepted = List.of(
                BackendParameter.ofBoolean("disable_cleancache", false, "frontswap only"),
                BackendParameter.ofLong("max_pool_percent", 20, 1, 100, "cap"),
                BackendParameter.ofChoice("codec", "lz4", List.of("lz4", "zstd"), "codec"),
                BackendParameter.ofString("label", "x", "free text"));
        BackendParameters p = BackendParameters.parse("z", accepted, List.of("disable_cleancache=TRUE", "codec=zstd"));

        assertThat(p.getBoolean("disable_cleancache")).isTrue();
        assertThat(p.getLong("max_pool_percent")).isEqualTo(20);
        assertThat(p.getString("codec")).isEqualTo("zstd");
        assertThat(p.getString("label")).isEqualTo("x");
        assertThat(p.isGiven("codec")).isTrue();
        assertThat(p.isGiven("label")).isFalse();
        assertThat(p.asMap()).containsOnlyKeys("disable_cleancache", "max_pool_percent", "codec", "label");
        assertThatThrownBy(() -> BackendParameters.parse("z", accepted, List.of("disable_cleancache=yes")))
                .hasMessageStartingWith("backend z: parameter disable_cleancache: bad value 'yes', expected true|false");
        assertThatThrownBy(() -> BackendParameters.parse("z", accepted, List.of("max_pool_percent=101")))
                .hasMessageStartingWith("backend z: parameter max_pool_percent: bad value '101', expected integer 1..100");
        assertThatThrownBy(() -> p.getLong("codec")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codec");
        assertThatThrownBy(() -> p.getLong("nope")).hasMessage("backend z has no parameter nope");
    }

    @Test
    void parameterDeclarations_areChecked() {
        assertThatThrownBy(() -> BackendParameter.ofLong("pages", 0, 1, 10, "d"))
                .hasMessageContaining("bad value '0'");
        assertThatThrownBy(() -> BackendParameter.ofString("Bad-Name", "", "d"))
                .hasMessageContaining("parameter name must be lower case");
        assertThatThrownBy(() -> BackendParameter.ofChoice("c", "a", List.of(), "d"))
                .hasMessageContaining("needs at least one choice");
    }

    // ------------------------------------------------------------------ jars at run time

    @Test
    void aJarLoadedAtRunTime_providesItsBackendByName_andItWorksBehindTheFrontends() throws IOException {
        Path jar = providerJar("jarred-1.jar");
        try (BackendRegistry reg = BackendRegistry.fromClassPath()) {
            assertThatThrownBy(() -> reg.provider("jarred")).isInstanceOf(BackendConfigException.class);

            assertThat(reg.loadJar(jar)).containsExactly("jarred");

            BackendProvider p = reg.provider("jarred");
            assertThat(p.getClass().getName()).isEqualTo("jarred.JarredBackendProvider");
            assertThat(p.getClass().getClassLoader()).isNotSameAs(BackendRegistry.class.getClassLoader());
            assertThat(reg.describe()).contains("jarred: a local engine, shipped in a jar", "(jar ");
            try (Frontends f = new Frontends(reg, PS)) {
                SwapDisk disk = new SwapDisk();
                f.frontswap().init(0, disk);
                f.load("jarred", List.of("pages=16"));
                assertThat(f.backend().name()).isEqualTo("local(raw)"); // the jar's backend builds a raw store
                assertThat(f.frontswap().store(0, 1, seg(page(1)))).isTrue();
                f.unload();
                assertThat(disk.read(1)).isEqualTo(page(1));
            }
        }
    }

    @Test
    void loadingTheSameJarTwice_orAnotherJarWithAKnownName_isAClearErrorThatChangesNothing() throws IOException {
        Path jar = providerJar("jarred-1.jar");
        Path copy = Files.copy(jar, tmp.resolve("jarred-copy.jar"));
        try (BackendRegistry reg = BackendRegistry.fromClassPath()) {
            reg.loadJar(jar);

            assertThatThrownBy(() -> reg.loadJar(jar)).isInstanceOf(BackendConfigException.class)
                    .hasMessageContaining("is already loaded");
            assertThatThrownBy(() -> reg.loadJar(copy)).isInstanceOf(BackendConfigException.class)
                    .hasMessageContaining("backend 'jarred' from jar ")
                    .hasMessageContaining("is already provided by jar ")
                    .hasMessageContaining("jarred-1.jar");
            assertThat(reg.names()).containsExactly("local", "jarred");
        }
    }

    @Test
    void aJarWithoutAProvider_aMissingFile_andABrokenServicesEntry_areClearErrors() throws IOException {
        Path empty = jar("empty.jar", Map.of("README.txt", "nothing here".getBytes(StandardCharsets.UTF_8)));
        Path broken = jar("broken.jar", Map.of("META-INF/services/dev.tmem.frontend.spi.BackendProvider",
                "nowhere.Missing\n".getBytes(StandardCharsets.UTF_8)));
        try (BackendRegistry reg = BackendRegistry.fromClassPath()) {
            assertThatThrownBy(() -> reg.loadJar(empty)).isInstanceOf(BackendConfigException.class)
                    .hasMessageContaining("provides no backend: it needs a META-INF/services/"
                            + "dev.tmem.frontend.spi.BackendProvider entry");
            assertThatThrownBy(() -> reg.loadJar(tmp.resolve("absent.jar"))).isInstanceOf(BackendConfigException.class)
                    .hasMessageContaining("absent.jar is not a readable file");
            assertThatThrownBy(() -> reg.loadJar(broken)).isInstanceOf(BackendConfigException.class)
                    .hasMessageContaining("bad provider")
                    .hasMessageContaining("nowhere.Missing");
            assertThat(reg.names()).containsExactly("local");
        }
    }

    /** A jar holding {@link JarredBackendProvider}, renamed to {@code jarred.JarredBackendProvider}. */
    private Path providerJar(String name) throws IOException {
        byte[] template;
        try (InputStream in = JarredBackendProvider.class.getResourceAsStream("JarredBackendProvider.class")) {
            template = in.readAllBytes();
        }
        ClassFile cf = ClassFile.of();
        byte[] renamed = cf.transformClass(cf.parse(template), ClassDesc.of("jarred.JarredBackendProvider"),
                ClassTransform.ACCEPT_ALL);
        return jar(name, Map.of(
                "jarred/JarredBackendProvider.class", renamed,
                "META-INF/services/dev.tmem.frontend.spi.BackendProvider",
                "jarred.JarredBackendProvider\n".getBytes(StandardCharsets.UTF_8)));
    }

    private Path jar(String name, Map<String, byte[]> entries) throws IOException {
        Path jar = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            for (var e : entries.entrySet()) {
                jos.putNextEntry(new JarEntry(e.getKey()));
                jos.write(e.getValue());
                jos.closeEntry();
            }
        }
        return jar;
    }
}

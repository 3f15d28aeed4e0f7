package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.PS;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.frontend.TestSupport.SwapDisk;
import java.lang.management.ManagementFactory;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.Test;

/** The frontends' counters and controls over JMX (the JVM's debugfs). */
class FrontendsMBeansTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void countersModesAndBackendControl_areReachableOverJmx() throws Exception {
        ObjectName fsw = new ObjectName("dev.tmem:type=Frontswap,name=\"jmx-test\"");
        ObjectName cc = new ObjectName("dev.tmem:type=Cleancache,name=\"jmx-test\"");
        ObjectName backend = new ObjectName("dev.tmem:type=Backend,name=\"jmx-test\"");
        SwapDisk disk = new SwapDisk();
        try (Frontends f = new Frontends(BackendRegistry.fromClassPath(), PS)) {
            AutoCloseable beans = f.registerMBeans("jmx-test");
            f.frontswap().init(0, disk);
            assertThat(server.getAttribute(backend, "Loaded")).isEqualTo("none");
            assertThat((String[]) server.getAttribute(backend, "Available")).containsExactly("local");

            server.invoke(backend, "load", new Object[] {"local", "budget_mb=8 client=jmx"},
                    new String[] {String.class.getName(), String.class.getName()});

            assertThat(f.backend().name()).isEqualTo("local(zcache-lz4)");
            assertThat((String[]) server.getAttribute(backend, "Parameters")).containsExactly("budget_mb=8", "client=jmx");
            assertThat(server.getAttribute(fsw, "Backend")).isEqualTo("local(zcache-lz4)");
            for (int i = 0; i < 5; i++) {
                f.frontswap().store(0, i, seg(page(i)));
            }
            f.cleancache().initFs(PS);
            assertThat(server.getAttribute(fsw, "SuccStores")).isEqualTo(5L);
            assertThat(server.getAttribute(fsw, "CurrPages")).isEqualTo(5L);
            assertThat(server.getAttribute(cc, "Filesystems")).isEqualTo(1);

            server.setAttribute(fsw, new Attribute("Writethrough", true));
            assertThat(f.frontswap().writethrough()).isTrue();
            assertThat(server.invoke(fsw, "shrink", new Object[] {2L}, new String[] {"long"})).isEqualTo(3L);
            assertThat(disk.read(0)).isEqualTo(page(0));

            assertThatThrownBy(() -> server.invoke(backend, "load", new Object[] {"nope", ""},
                            new String[] {String.class.getName(), String.class.getName()}))
                    .isInstanceOf(RuntimeMBeanException.class)
                    .hasRootCauseMessage("unknown backend 'nope'; available: local");

            server.invoke(backend, "unload", new Object[0], new String[0]);
            assertThat(server.getAttribute(backend, "Loaded")).isEqualTo("none");
            assertThat(disk.read(4)).isEqualTo(page(4));

            assertThatThrownBy(() -> f.registerMBeans("jmx-test")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot register the MBeans of frontends 'jmx-test'");
            beans.close();
        }
        assertThat(server.isRegistered(fsw)).isFalse();
        assertThat(server.isRegistered(cc)).isFalse();
        assertThat(server.isRegistered(backend)).isFalse();
        assertThat(disk.slots).hasSize(5);
    }
}

package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.protocol.Status;
import java.lang.management.ManagementFactory;
import javax.management.JMX;
import javax.management.MBeanServer;
import org.junit.jupiter.api.Test;

/** Issue: caps and weights "changeable at run time through an admin interface (JMX)". */
class ServerAdminTest extends ServerTestBase {

    private ServerAdminMXBean admin() {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        assertThat(mbs.isRegistered(server.adminName())).isTrue();
        return JMX.newMXBeanProxy(mbs, server.adminName(), ServerAdminMXBean.class);
    }

    @Test
    void capsAndWeightsChangeAtRunTimeForLiveClientsAndForNamesStillToCome() {
        ServerAdminMXBean admin = admin();
        assertThat(admin.getListeningOn()).isEqualTo(server.listeningOn());
        assertThat(admin.getStore()).isEqualTo("zcache-lz4");

        TestClient app = login("app");
        int pool = app.newPool(true, 4096);
        for (int i = 0; i < 5; i++) {
            assertThat(app.put(pool, 1, i, TestClient.page(4096, i)).status()).isEqualTo(Status.OK);
        }
        admin.setClientCap("app", 5);
        admin.setClientWeight("app", 7);
        Json s = app.stats();
        assertThat(s.client("cap_pages")).isEqualTo(5);
        assertThat(s.client("weight")).isEqualTo(7);
        assertThat(app.put(pool, 1, 5, TestClient.page(4096, 5)).status()).isEqualTo(Status.NO_SPACE);
        admin.clearClientCap("app");
        assertThat(app.put(pool, 1, 5, TestClient.page(4096, 5)).status()).isEqualTo(Status.OK);
        assertThat(app.stats().client("cap_pages")).isNull();

        admin.setClientCap("later", 2); // a name that has not said HELLO yet
        assertThat(admin.getClientCaps()).containsEntry("later", 2L).doesNotContainKey("app");
        assertThat(admin.getClientWeights()).containsEntry("app", 7);
        TestClient later = login("later");
        assertThat(later.stats().client("cap_pages")).isEqualTo(2);
        assertThat(admin.getPages()).isEqualTo(6);
        assertThat(admin.getClients()).isEqualTo(2);
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() {
        ServerAdminMXBean admin = admin();
        admin.setClientWeight("app", 3);
        assertThatThrownBy(() -> admin.setClientWeight("app", 0)).hasStackTraceContaining("must be >= 1");
        assertThatThrownBy(() -> admin.setClientCap("app", -1)).hasStackTraceContaining("must be >= 0 pages");
        assertThat(admin.getClientWeights()).containsEntry("app", 3);
        assertThat(admin.getClientCaps()).doesNotContainKey("app");
    }

    @Test
    void theMBeanGoesWithTheServer() {
        var name = server.adminName();
        server.close();
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
    }
}

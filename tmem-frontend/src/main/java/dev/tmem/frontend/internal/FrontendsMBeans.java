package dev.tmem.frontend.internal;

import dev.tmem.frontend.BackendsMXBean;
import dev.tmem.frontend.Cleancache;
import dev.tmem.frontend.CleancacheMXBean;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.FrontswapMXBean;
import dev.tmem.frontend.spi.TmemBackend;
import java.util.Arrays;
import java.util.List;

/** The MXBean implementations behind {@link Frontends#registerMBeans}: views, no state of their own. */
public final class FrontendsMBeans {

    private FrontendsMBeans() {}

    static String name(TmemBackend b) {
        return b == null ? "none" : b.name();
    }

    /** Cleancache's counters. */
    public record CleancacheView(Cleancache cc) implements CleancacheMXBean {
        @Override
        public long getSuccGets() {
            return cc.stats().succGets();
        }

        @Override
        public long getFailedGets() {
            return cc.stats().failedGets();
        }

        @Override
        public long getPuts() {
            return cc.stats().puts();
        }

        @Override
        public long getPutsNoBackend() {
            return cc.stats().putsNoBackend();
        }

        @Override
        public long getInvalidates() {
            return cc.stats().invalidates();
        }

        @Override
        public long getBackendErrors() {
            return cc.stats().backendErrors();
        }

        @Override
        public long getReplayFailures() {
            return cc.stats().replayFailures();
        }

        @Override
        public int getFilesystems() {
            return cc.stats().filesystems();
        }

        @Override
        public String getBackend() {
            return name(cc.backend());
        }
    }

    /** Frontswap's counters and modes. */
    public record FrontswapView(Frontswap fsw) implements FrontswapMXBean {
        @Override
        public long getLoads() {
            return fsw.stats().loads();
        }

        @Override
        public long getSuccStores() {
            return fsw.stats().succStores();
        }

        @Override
        public long getFailedStores() {
            return fsw.stats().failedStores();
        }

        @Override
        public long getStoresNoBackend() {
            return fsw.stats().storesNoBackend();
        }

        @Override
        public long getInvalidates() {
            return fsw.stats().invalidates();
        }

        @Override
        public long getWrittenBack() {
            return fsw.stats().writtenBack();
        }

        @Override
        public long getReplayFailures() {
            return fsw.stats().replayFailures();
        }

        @Override
        public long getCurrPages() {
            return fsw.currPages();
        }

        @Override
        public int getAreas() {
            return fsw.stats().areas();
        }

        @Override
        public String getBackend() {
            return name(fsw.backend());
        }

        @Override
        public boolean isWritethrough() {
            return fsw.writethrough();
        }

        @Override
        public void setWritethrough(boolean on) {
            fsw.writethrough(on);
        }

        @Override
        public boolean isExclusiveGets() {
            return fsw.exclusiveGets();
        }

        @Override
        public void setExclusiveGets(boolean on) {
            fsw.exclusiveGets(on);
        }

        @Override
        public long shrink(long targetPages) {
            return fsw.shrink(targetPages);
        }
    }

    /** The loaded backend, and control. */
    public record BackendsView(Frontends f) implements BackendsMXBean {
        @Override
        public String getLoaded() {
            return name(f.backend());
        }

        @Override
        public List<String> getParameters() {
            return f.backendParameters();
        }

        @Override
        public List<String> getAvailable() {
            return f.registry().names();
        }

        @Override
        public String getDescription() {
            return f.registry().describe();
        }

        @Override
        public void load(String name, String parameters) {
            String p = parameters == null ? "" : parameters.strip();
            f.load(name, p.isEmpty() ? List.of() : Arrays.asList(p.split("\\s+")));
        }

        @Override
        public void unload() {
            f.unload();
        }
    }
}

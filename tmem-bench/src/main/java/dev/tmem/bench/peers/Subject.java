package dev.tmem.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The subjects of {@code tmem bench peers}, with how each is opened and the JVM flags its child JVM
 * needs. Every subject gets the same memory budget ({@code budgetBytes}); each spends it as its
 * library does (see the adapters).
 *
 * <p><b>Heaps.</b> The off-heap subjects run with a {@value #OFF_HEAP_SUBJECT_HEAP_MIB} MiB heap
 * (the source pages, the histograms and the stores' metadata). Caffeine keeps the pages on the
 * heap, so its heap is the budget and half again for the collector, plus the same
 * {@value #OFF_HEAP_SUBJECT_HEAP_MIB} MiB: large enough that it never runs short, which is the
 * heap a user would have to give it.
 */
public enum Subject {
    TMEM_RAW("tmem-raw"),
    TMEM_ZCACHE_LZ4("tmem-zcache-lz4"),
    OHC("ohc"),
    CAFFEINE("caffeine"),
    EHCACHE("ehcache"),
    CHRONICLE_MAP("chronicle-map");

    static final int OFF_HEAP_SUBJECT_HEAP_MIB = 768;

    /** Chronicle Map's flags for JDK 17+ from its documentation ("Java 17+ support"). */
    static final List<String> CHRONICLE_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");

    private final String label;

    Subject(String label) {
        this.label = label;
    }

    /** The name in tables and JSON rows: {@code tmem-raw}, {@code chronicle-map}, ... */
    public String label() {
        return label;
    }

    /** The subject named {@code label}; fails listing the names. */
    public static Subject of(String label) {
        for (Subject s : values()) {
            if (s.label.equals(label.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject " + label + "; subjects: " + labels());
    }

    public static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Subject s : values()) {
            labels.add(s.label);
        }
        return labels;
    }

    /** Opens the store within {@code budgetBytes}, for keys {@code 0 .. keys - 1}. */
    public PeerStore open(long budgetBytes, long keys) {
        return switch (this) {
            case TMEM_RAW -> TmemPeer.raw(budgetBytes, keys);
            case TMEM_ZCACHE_LZ4 -> TmemPeer.zcacheLz4(budgetBytes, keys);
            case OHC -> new OhcPeer(budgetBytes, keys);
            case CAFFEINE -> new CaffeinePeer(budgetBytes, keys);
            case EHCACHE -> new EhcachePeer(budgetBytes);
            case CHRONICLE_MAP -> new ChronicleMapPeer(budgetBytes);
        };
    }

    /** The flags of this subject's child JVM, for a run within {@code budgetBytes}. */
    public List<String> jvmFlags(long budgetBytes) {
        long budgetMiB = budgetBytes >> 20;
        List<String> flags = new ArrayList<>();
        flags.add("--enable-native-access=ALL-UNNAMED");
        flags.add("-XX:+UseG1GC");
        switch (this) {
            case TMEM_RAW, TMEM_ZCACHE_LZ4 -> flags.add("-Xmx" + OFF_HEAP_SUBJECT_HEAP_MIB + "m");
            case OHC -> {
                flags.add("-Xmx" + OFF_HEAP_SUBJECT_HEAP_MIB + "m");
                flags.add("--sun-misc-unsafe-memory-access=allow");
            }
            case CAFFEINE -> flags.add("-Xmx" + (budgetMiB * 3 / 2 + OFF_HEAP_SUBJECT_HEAP_MIB) + "m");
            case EHCACHE -> {
                flags.add("-Xmx" + OFF_HEAP_SUBJECT_HEAP_MIB + "m");
                flags.add("-XX:MaxDirectMemorySize=" + (budgetMiB + 256) + "m");
                flags.add("--sun-misc-unsafe-memory-access=allow");
            }
            case CHRONICLE_MAP -> {
                flags.add("-Xmx" + OFF_HEAP_SUBJECT_HEAP_MIB + "m");
                flags.add("--sun-misc-unsafe-memory-access=allow");
                flags.addAll(CHRONICLE_FLAGS);
            }
        }
        return flags;
    }
}

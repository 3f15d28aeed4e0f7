package dev.tmem.bench.corpus;

/**
 * Where a corpus page came from. The ordinal is the byte stored per page in the corpus's kinds
 * file, so constants may be added at the end only.
 */
public enum PageKind {
    /** A page of the JDK's {@code lib/modules} image (class files, resources). */
    JDK_MODULES("jdk-modules"),
    /** A page of a shared library ({@code *.so*}) under {@code /usr/lib}. */
    SHARED_LIBS("shared-libs"),
    /** A page of a text file under {@code /usr/share} (gzip files decompressed). */
    TEXT("text"),
    /** A page of an HPROF heap dump of a JVM holding a mix of ordinary objects. */
    HEAP_DUMP("heap-dump");

    private final String label;

    PageKind(String label) {
        this.label = label;
    }

    /** The name used in the manifest and the CLI's table. */
    public String label() {
        return label;
    }

    public static PageKind ofLabel(String label) {
        for (PageKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no page kind " + label);
    }
}

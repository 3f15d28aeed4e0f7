package dev.tmem.bench.peers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory as the kernel and the JVM see it, for memory per stored page. */
public final class ProcStatus {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcStatus() {}

    /** {@code VmRSS} of {@code /proc/self/status} in bytes, or -1 where there is no such file. */
    public static long rssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return parseKiB(line);
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code "VmRSS:	  123456 kB"} -> 123456 * 1024. */
    static long parseKiB(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalArgumentException("unexpected /proc/self/status line: " + line);
        }
        return Long.parseLong(parts[0]) * 1024;
    }

    /** Heap in use after asking for a full collection, and the same for {@link #rssBytes()}. */
    public static long heapUsedAfterGc() {
        settle();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Two full collections and a short pause, so that memory figures do not count garbage. */
    public static void settle() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package dev.tmem.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparisons issue 6 asks of {@code tmem bench peers}: tmem-raw's ops/s and p99 against the best
 * peer of each workload and thread count, and tmem-zcache-lz4's memory per page against the best
 * peer's on the same data. A peer is any subject whose name does not start with {@code tmem}; the
 * best peer of a case has the highest ops/s (for speed) or the lowest {@code bytes_per_page} (for
 * memory). Used by the bench's table and by the report.
 */
final class PeersSummary {

    static final String RAW = "tmem-raw";
    static final String ZCACHE = "tmem-zcache-lz4";
    static final double SPEED_GOAL = 1.5;
    static final double MEMORY_GOAL = 0.5;

    /** tmem-raw in one case beside the fastest peer of that case. */
    record Speed(String workload, int threads, double rawOps, double rawP99, String peer, double peerOps,
            double peerP99) {

        double ratio() {
            return rawOps / peerOps;
        }

        boolean met() {
            return ratio() >= SPEED_GOAL && rawP99 <= peerP99;
        }
    }

    /** A subject's memory per page on one data set and working set, beside the leanest peer's. */
    record Memory(String field, String subject, String data, String workingSet, double bytesPerPage, String peer,
            double peerBytesPerPage) {

        double ratio() {
            return bytesPerPage / peerBytesPerPage;
        }

        boolean met() {
            return ratio() <= MEMORY_GOAL;
        }
    }

    private PeersSummary() {}

    static boolean isPeer(String subject) {
        return !subject.startsWith("tmem");
    }

    /** One entry per tmem-raw row that has at least one peer row of its workload and threads. */
    static List<Speed> speed(List<BenchRow> rows) {
        List<Speed> out = new ArrayList<>();
        for (BenchRow raw : rows) {
            if (!raw.subject().equals(RAW)) {
                continue;
            }
            BenchRow best = null;
            for (BenchRow r : rows) {
                if (isPeer(r.subject()) && r.workload().equals(raw.workload()) && r.threads() == raw.threads()
                        && (best == null || r.opsPerS() > best.opsPerS())) {
                    best = r;
                }
            }
            if (best != null) {
                out.add(new Speed(raw.workload(), raw.threads(), raw.opsPerS(), num(raw, "p99_us"), best.subject(),
                        best.opsPerS(), num(best, "p99_us")));
            }
        }
        return out;
    }

    /**
     * For each data set and working set, each tmem subject's memory per page ({@code field}:
     * {@code bytes_per_page} or {@code off_heap_bytes_per_page}) beside the leanest peer's; peers
     * with no figure above 0 (Caffeine has no off-heap bytes) are left out. Memory is measured once
     * per child JVM, so any row of the subject, data and working set carries it.
     */
    static List<Memory> memory(List<BenchRow> rows, String field) {
        List<Memory> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (BenchRow t : rows) {
            String data = text(t, "data"), ws = text(t, "working_set");
            String key = t.subject() + "/" + data + "/" + ws;
            if (isPeer(t.subject()) || seen.contains(key) || !Double.isFinite(num(t, field))) {
                continue;
            }
            seen.add(key);
            BenchRow best = null;
            for (BenchRow r : rows) {
                double b = num(r, field);
                if (isPeer(r.subject()) && data.equals(text(r, "data")) && ws.equals(text(r, "working_set"))
                        && Double.isFinite(b) && b > 0 && (best == null || b < num(best, field))) {
                    best = r;
                }
            }
            if (best != null) {
                out.add(new Memory(field, t.subject(), data, ws, num(t, field), best.subject(), num(best, field)));
            }
        }
        return out;
    }

    /** The lines under the bench's table and in the report's headline. */
    static List<String> headline(List<BenchRow> rows) {
        List<String> lines = new ArrayList<>();
        List<Speed> speed = speed(rows);
        if (!speed.isEmpty()) {
            Speed worst = speed.getFirst(), bestCase = speed.getFirst();
            int met = 0;
            for (Speed s : speed) {
                worst = s.ratio() < worst.ratio() ? s : worst;
                bestCase = s.ratio() > bestCase.ratio() ? s : bestCase;
                met += s.met() ? 1 : 0;
            }
            lines.add(String.format(Locale.ROOT,
                    "%s ops/s over the best peer's: %.2fx to %.2fx (lowest: %s %dt vs %s; highest: %s %dt vs %s);"
                            + " goal >= %.1fx with p99 no worse: met in %d of %d cases",
                    RAW, worst.ratio(), bestCase.ratio(), worst.workload(), worst.threads(), worst.peer(),
                    bestCase.workload(), bestCase.threads(), bestCase.peer(), SPEED_GOAL, met, speed.size()));
        }
        for (Memory m : memory(rows, "bytes_per_page")) {
            lines.add(String.format(Locale.ROOT,
                    "%s memory per page on %s-%s (process RSS growth / pages held): %,.0f B vs %,.0f B (%s, the"
                            + " leanest peer): %.2fx%s",
                    m.subject(), m.data(), m.workingSet(), m.bytesPerPage(), m.peerBytesPerPage(), m.peer(), m.ratio(),
                    m.subject().equals(ZCACHE) && m.data().equals("corpus")
                            ? String.format(Locale.ROOT, " (goal <= %.1fx: %s)", MEMORY_GOAL, m.met() ? "met" : "not met")
                            : ""));
        }
        for (Memory m : memory(rows, "off_heap_bytes_per_page")) {
            if (m.subject().equals(ZCACHE) && m.data().equals("corpus")) {
                lines.add(String.format(Locale.ROOT,
                        "%s off-heap bytes per page on %s-%s (each store's own count): %,.0f B vs %,.0f B (%s): %.2fx",
                        m.subject(), m.data(), m.workingSet(), m.bytesPerPage(), m.peerBytesPerPage(), m.peer(),
                        m.ratio()));
            }
        }
        return lines;
    }

    static double num(BenchRow row, String field) {
        return row.extra().get(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String text(BenchRow row, String field) {
        return row.extra().get(field) instanceof String s ? s : "";
    }
}

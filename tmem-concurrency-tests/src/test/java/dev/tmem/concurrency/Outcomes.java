package dev.tmem.concurrency;

import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of the outcomes a stress test observed, each declared up front with its expectation,
 * in the manner of jcstress's {@code @Outcome(id = ..., expect = ...)}: {@link Expect#ACCEPTABLE}
 * outcomes are what the spec allows, {@link Expect#ACCEPTABLE_INTERESTING} ones are allowed but
 * worth reporting, and any {@link Expect#FORBIDDEN} outcome fails the test. Thread-safe.
 */
final class Outcomes {

    enum Expect { ACCEPTABLE, ACCEPTABLE_INTERESTING, FORBIDDEN }

    private static final int MAX_DETAILS = 10;

    private final String test;
    private final Map<String, Expect> declared = new TreeMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Queue<String> details = new ConcurrentLinkedQueue<>();
    private final Map<String, String> descriptions = new TreeMap<>();

    Outcomes(String test) {
        this.test = test;
    }

    Outcomes declare(String id, Expect expect, String description) {
        declared.put(id, expect);
        counts.put(id, new LongAdder());
        descriptions.put(id, description);
        return this;
    }

    void record(String id) {
        LongAdder n = counts.get(id);
        if (n == null) {
            throw new IllegalArgumentException("undeclared outcome " + id);
        }
        n.increment();
    }

    /** Records {@code id} and, for a forbidden outcome, keeps {@code detail} for the report. */
    void record(String id, String detail) {
        record(id);
        if (declared.get(id) == Expect.FORBIDDEN && details.size() < MAX_DETAILS) {
            details.add(id + ": " + detail);
        }
    }

    long count(String id) {
        return counts.get(id).sum();
    }

    String report() {
        StringBuilder b = new StringBuilder(test).append(" outcomes:");
        for (Map.Entry<String, Expect> e : declared.entrySet()) {
            b.append(String.format("%n  %-40s %-22s %,12d  %s", e.getKey(), e.getValue(),
                    counts.get(e.getKey()).sum(), descriptions.get(e.getKey())));
        }
        for (String d : details) {
            b.append("\n  ! ").append(d);
        }
        return b.toString();
    }

    /** Prints the histogram and fails if any forbidden outcome was seen. */
    void assertNoForbidden() {
        String report = report();
        System.out.println(report);
        for (Map.Entry<String, Expect> e : declared.entrySet()) {
            if (e.getValue() == Expect.FORBIDDEN && counts.get(e.getKey()).sum() > 0) {
                throw new AssertionError("forbidden outcome " + e.getKey() + " observed\n" + report);
            }
        }
    }
}

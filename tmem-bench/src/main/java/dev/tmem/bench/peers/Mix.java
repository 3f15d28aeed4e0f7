package dev.tmem.bench.peers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An operation mix: each op is a set (a put of a 4 KiB page) with probability {@code setPercent}
 * / 100, else a get, at a key drawn uniformly from the working set.
 */
public record Mix(int setPercent) {

    public static final Mix SET10_GET90 = new Mix(10);
    public static final Mix SET50_GET50 = new Mix(50);

    private static final Pattern NAME = Pattern.compile("set(\\d+)-get(\\d+)");

    public Mix {
        if (setPercent < 0 || setPercent > 100) {
            throw new IllegalArgumentException("set percentage out of 0..100: " + setPercent);
        }
    }

    /** {@code set10-get90} */
    public String label() {
        return "set" + setPercent + "-get" + (100 - setPercent);
    }

    /** The mix named like {@link #label()}. */
    public static Mix parse(String label) {
        Matcher m = NAME.matcher(label);
        if (!m.matches() || Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) != 100) {
            throw new IllegalArgumentException("not a mix: " + label + " (expected setN-getM with N + M = 100)");
        }
        return new Mix(Integer.parseInt(m.group(1)));
    }
}

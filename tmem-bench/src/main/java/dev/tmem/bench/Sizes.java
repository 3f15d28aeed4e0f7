package dev.tmem.bench;

import java.util.Locale;

/** Binary sizes as the benchmarks name them: {@code 4096}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}. */
final class Sizes {

    private Sizes() {}

    static long parseBytes(String size) {
        String s = size.strip();
        int unitAt = s.length();
        while (unitAt > 0 && Character.isLetter(s.charAt(unitAt - 1))) {
            unitAt--;
        }
        long value;
        try {
            value = Long.parseLong(s.substring(0, unitAt));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + size, e);
        }
        int shift = switch (s.substring(unitAt).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "kib", "k" -> 10;
            case "mib", "m" -> 20;
            case "gib", "g" -> 30;
            default -> throw new IllegalArgumentException("not a size: " + size + " (units: KiB, MiB, GiB)");
        };
        if (value < 0 || Long.numberOfLeadingZeros(value) <= shift) {
            throw new IllegalArgumentException("size out of range: " + size);
        }
        return value << shift;
    }
}

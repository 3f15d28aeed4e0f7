package dev.tmem.zcache;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a {@link ZcachePageStore}, with zswap's defaults where it has them. Made by
 * {@link #builder()} from code, or by {@link #parse} from {@code key=value} strings (the command
 * line, a backend's module parameters):
 *
 * <pre>
 * key                        value                                     default
 * codec                      lz4 | zstd | deflate | none               lz4
 * level                      zstd 1..22, deflate 0..9                  the codec's
 * max_pool_bytes             bytes, or with k/m/g suffix (binary)      (see max_pool_percent)
 * max_pool_percent           1..100, of physical memory                20
 * reject_threshold_percent   a compressed page above this share of     87.5
 *                            the page counts as incompressible
 * incompressible             raw (store it raw) | reject (refuse it)   raw
 * accept_threshold_percent   once full, accept pages again when        90
 *                            usage falls to this share of the maximum
 * </pre>
 *
 * {@code max_pool_bytes} and {@code max_pool_percent} are exclusive.
 */
public record ZcacheConfig(
        String codec,
        Map<String, String> codecParams,
        long maxPoolBytes,
        double rejectThresholdPercent,
        Incompressible incompressible,
        int acceptThresholdPercent) {

    /** What becomes of a page that compresses above the reject threshold. */
    public enum Incompressible {
        /** Kept uncompressed (never refused for being incompressible). */
        RAW,
        /** Refused: the put fails and the {@code reject_compress_poor} counter counts it. */
        REJECT
    }

    public static final int DEFAULT_MAX_POOL_PERCENT = 20;
    public static final double DEFAULT_REJECT_THRESHOLD_PERCENT = 87.5;
    public static final int DEFAULT_ACCEPT_THRESHOLD_PERCENT = 90;

    /** The keys {@link #parse} accepts, in the order of the class comment. */
    public static final List<String> KEYS = List.of("codec", "level", "max_pool_bytes", "max_pool_percent",
            "reject_threshold_percent", "incompressible", "accept_threshold_percent");

    public ZcacheConfig {
        codecParams = Map.copyOf(codecParams);
        Codecs.create(codec, codecParams); // validates the name and its parameters
        if (maxPoolBytes < 1 << 20) {
            throw new IllegalArgumentException("max pool size must be at least 1 MiB, was " + maxPoolBytes + " bytes");
        }
        if (!(rejectThresholdPercent > 0 && rejectThresholdPercent <= 100)) {
            throw new IllegalArgumentException(
                    "reject_threshold_percent must be in (0, 100], was " + rejectThresholdPercent);
        }
        if (acceptThresholdPercent < 0 || acceptThresholdPercent > 100) {
            throw new IllegalArgumentException(
                    "accept_threshold_percent must be 0..100, was " + acceptThresholdPercent);
        }
        if (codec.equals("none") && incompressible == Incompressible.REJECT) {
            throw new IllegalArgumentException(
                    "codec none with incompressible=reject would refuse every page; use incompressible=raw");
        }
    }

    /** The defaults: lz4, a fifth of physical memory, raw for incompressible pages. */
    public static ZcacheConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A config from {@code key=value} pairs (see the class comment).
     *
     * @throws IllegalArgumentException for an unknown key, a bad value, or conflicting keys; the
     *     message names the key and lists what is accepted
     */
    public static ZcacheConfig parse(Map<String, String> params) {
        Builder b = builder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String key = e.getKey(), value = e.getValue().strip();
            try {
                switch (key) {
                    case "codec" -> b.codec(value);
                    case "level" -> b.level(Integer.parseInt(value));
                    case "max_pool_bytes" -> b.maxPoolBytes(parseBytes(value));
                    case "max_pool_percent" -> b.maxPoolPercent(Integer.parseInt(value));
                    case "reject_threshold_percent" -> b.rejectThresholdPercent(Double.parseDouble(value));
                    case "incompressible" -> b.incompressible(Incompressible.valueOf(value.toUpperCase(Locale.ROOT)));
                    case "accept_threshold_percent" -> b.acceptThresholdPercent(Integer.parseInt(value));
                    default -> throw new IllegalArgumentException("unknown zcache parameter '" + key + "'; accepted: "
                            + String.join(", ", KEYS));
                }
            } catch (NumberFormatException bad) {
                throw new IllegalArgumentException("bad value '" + value + "' for zcache parameter " + key
                        + ": not a number", bad);
            } catch (IllegalArgumentException bad) {
                if (bad.getMessage() != null && bad.getMessage().contains("zcache parameter")) {
                    throw bad;
                }
                throw new IllegalArgumentException("bad value '" + value + "' for zcache parameter " + key + ": "
                        + (bad.getMessage() == null ? "" : bad.getMessage().replace("No enum constant "
                                + Incompressible.class.getCanonicalName() + ".", "not raw or reject: ")), bad);
            }
        }
        return b.build();
    }

    /** {@code 4096}, {@code 64k}, {@code 512m}, {@code 2g} (binary units). */
    public static long parseBytes(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        long n = Long.parseLong(digits);
        if (n < 0 || n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("byte count out of range: " + s);
        }
        return n * unit;
    }

    /** The parameters as {@code key=value} pairs that {@link #parse} reads back to this config. */
    public Map<String, String> toParams() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("codec", codec);
        codecParams.forEach(m::put);
        m.put("max_pool_bytes", Long.toString(maxPoolBytes));
        m.put("reject_threshold_percent", Double.toString(rejectThresholdPercent));
        m.put("incompressible", incompressible.name().toLowerCase(Locale.ROOT));
        m.put("accept_threshold_percent", Integer.toString(acceptThresholdPercent));
        return m;
    }

    /** Builds a {@link ZcacheConfig}; every setter has the default of the class comment. */
    public static final class Builder {
        private String codec = Codecs.DEFAULT;
        private Integer level;
        private long maxPoolBytes = -1;
        private int maxPoolPercent = -1;
        private double rejectThresholdPercent = DEFAULT_REJECT_THRESHOLD_PERCENT;
        private Incompressible incompressible = Incompressible.RAW;
        private int acceptThresholdPercent = DEFAULT_ACCEPT_THRESHOLD_PERCENT;

        private Builder() {}

        public Builder codec(String codec) {
            this.codec = codec;
            return this;
        }

        public Builder level(int level) {
            this.level = level;
            return this;
        }

        public Builder maxPoolBytes(long bytes) {
            this.maxPoolBytes = bytes;
            return this;
        }

        public Builder maxPoolPercent(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("max_pool_percent must be 1..100, was " + percent);
            }
            this.maxPoolPercent = percent;
            return this;
        }

        public Builder rejectThresholdPercent(double percent) {
            this.rejectThresholdPercent = percent;
            return this;
        }

        public Builder incompressible(Incompressible policy) {
            this.incompressible = policy;
            return this;
        }

        public Builder acceptThresholdPercent(int percent) {
            this.acceptThresholdPercent = percent;
            return this;
        }

        public ZcacheConfig build() {
            if (maxPoolBytes >= 0 && maxPoolPercent >= 0) {
                throw new IllegalArgumentException("give max_pool_bytes or max_pool_percent, not both");
            }
            long max = maxPoolBytes >= 0 ? maxPoolBytes
                    : physicalMemory() / 100 * (maxPoolPercent >= 0 ? maxPoolPercent : DEFAULT_MAX_POOL_PERCENT);
            Map<String, String> params = level == null ? Map.of() : Map.of("level", Integer.toString(level));
            return new ZcacheConfig(codec, params, max, rejectThresholdPercent, incompressible, acceptThresholdPercent);
        }

        private static long physicalMemory() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
            return Runtime.getRuntime().maxMemory(); // a JVM without the extended bean: a safe lower figure
        }
    }
}

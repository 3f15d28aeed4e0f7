package dev.tmem.zcache;

import dev.tmem.zcache.internal.DeflateCodec;
import dev.tmem.zcache.internal.Lz4Codec;
import dev.tmem.zcache.internal.NoneCodec;
import dev.tmem.zcache.internal.PageCodec;
import dev.tmem.zcache.internal.ZstdCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link Codec}s by name, from code and from the command line.
 *
 * <pre>
 *   name     parameters                 checksummed
 *   lz4      (none)                     no   (the default)
 *   zstd     level=1..22, default 3     yes
 *   deflate  level=0..9, default 6      yes
 *   none     (none)                     no
 * </pre>
 *
 * Names and parameter keys are matched exactly (lower case). Anything else is an
 * {@link IllegalArgumentException} whose message lists what is accepted.
 */
public final class Codecs {

    /** The codec a store uses when none is named. */
    public static final String DEFAULT = "lz4";

    /** Every name {@link #create} accepts, the default first. */
    public static final List<String> NAMES = List.of("lz4", "zstd", "deflate", "none");

    /** What {@link #create} accepts, as its error messages say it. */
    public static final String ACCEPTED = "lz4, zstd (level=" + ZstdCodec.MIN_LEVEL + ".." + ZstdCodec.MAX_LEVEL
            + ", default " + ZstdCodec.DEFAULT_LEVEL + "), deflate (level=" + DeflateCodec.MIN_LEVEL + ".."
            + DeflateCodec.MAX_LEVEL + ", default " + DeflateCodec.DEFAULT_LEVEL + "), none";

    private Codecs() {}

    /** The codec {@code name} with its default parameters. */
    public static Codec create(String name) {
        return create(name, Map.of());
    }

    /**
     * The codec {@code name} with {@code params} (see the class comment). Each call returns a new
     * instance; instances are thread-safe, so a store makes one and shares it.
     *
     * @throws IllegalArgumentException for an unknown name, an unknown parameter, or a value that is
     *     not an integer in range; the message lists what is accepted
     */
    public static Codec create(String name, Map<String, String> params) {
        return pageCodec(name, params);
    }

    /** {@link #create} for the store, which calls the codecs through their buffer entry points. */
    static PageCodec pageCodec(String name, Map<String, String> params) {
        return switch (name) {
            case "lz4" -> {
                checkKeys(name, params, Set.of());
                yield new Lz4Codec();
            }
            case "zstd" -> {
                checkKeys(name, params, Set.of("level"));
                yield new ZstdCodec(level(name, params, ZstdCodec.MIN_LEVEL, ZstdCodec.MAX_LEVEL, ZstdCodec.DEFAULT_LEVEL));
            }
            case "deflate" -> {
                checkKeys(name, params, Set.of("level"));
                yield new DeflateCodec(level(name, params, DeflateCodec.MIN_LEVEL, DeflateCodec.MAX_LEVEL, DeflateCodec.DEFAULT_LEVEL));
            }
            case "none" -> {
                checkKeys(name, params, Set.of());
                yield new NoneCodec();
            }
            case null -> throw new IllegalArgumentException("no codec named; accepted: " + ACCEPTED);
            default -> throw new IllegalArgumentException("unknown codec '" + name + "'; accepted: " + ACCEPTED);
        };
    }

    private static void checkKeys(String name, Map<String, String> params, Set<String> keys) {
        for (String key : params.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "' for codec " + name
                        + (keys.isEmpty() ? " (it takes none)" : "") + "; accepted: " + ACCEPTED);
            }
        }
    }

    private static int level(String name, Map<String, String> params, int min, int max, int dflt) {
        String value = params.get("level");
        if (value == null) {
            return dflt;
        }
        int level;
        try {
            level = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            level = Integer.MIN_VALUE;
        }
        if (level < min || level > max) {
            throw new IllegalArgumentException("bad level '" + value + "' for codec " + name + ": must be an integer "
                    + min + ".." + max + "; accepted: " + ACCEPTED);
        }
        return level;
    }
}

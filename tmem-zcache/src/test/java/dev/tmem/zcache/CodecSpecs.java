package dev.tmem.zcache;

import java.util.Map;
import java.util.stream.Stream;

/** The codec configurations every codec test runs over. */
final class CodecSpecs {

    private CodecSpecs() {}

    static Stream<Codec> all() {
        return Stream.of(
                Codecs.create("lz4"),
                Codecs.create("zstd"),
                Codecs.create("zstd", Map.of("level", "1")),
                Codecs.create("zstd", Map.of("level", "19")),
                Codecs.create("deflate"),
                Codecs.create("deflate", Map.of("level", "0")),
                Codecs.create("deflate", Map.of("level", "9")),
                Codecs.create("none"));
    }

    static Stream<Codec> compressing() {
        return all().filter(c -> !c.name().equals("none"));
    }

    static Stream<Codec> checksummed() {
        return all().filter(Codec::checksummed);
    }
}

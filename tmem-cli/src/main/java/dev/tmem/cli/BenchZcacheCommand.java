package dev.tmem.cli;

import dev.tmem.bench.ZcacheBench;
import dev.tmem.bench.corpus.PageCorpus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tmem bench zcache}: runs {@link ZcacheBench} over the real-page corpus. */
@Command(
        name = "zcache",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmarks the zcache store against its codecs alone, on the real-page corpus.",
            "For lz4, zstd, deflate and none: pages/s to put and get through zcache and",
            "through the codec alone (the limit), compression ratio and density",
            "(bytes_stored / bytes_used). Builds the corpus first if it is not there",
            "(see 'tmem corpus build'); prints a table and writes the rows as JSON."
        })
final class BenchZcacheCommand implements Callable<Integer> {

    @Option(names = "--full", description = "Seven passes after two warm-ups (default: three after one).")
    boolean full;

    @Option(
            names = "--corpus",
            paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/corpus",
            description = "Directory of the page corpus (default: ${DEFAULT-VALUE}).")
    Path corpus;

    @Option(
            names = "--json",
            paramLabel = "PATH",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/bench/zcache.json",
            description = "Where to write the rows as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
        ZcacheBench.run(new ZcacheBench.Options(!full, PageCorpus.Options.defaults(corpus.toAbsolutePath().normalize()),
                json.toAbsolutePath().normalize()), System.out);
        System.out.flush();
        return 0;
    }
}

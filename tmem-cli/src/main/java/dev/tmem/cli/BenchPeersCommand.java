package dev.tmem.cli;

import dev.tmem.bench.PeersBench;
import dev.tmem.bench.corpus.PageCorpus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tmem bench peers}: runs {@link PeersBench}, tmem beside OHC, Caffeine, Ehcache and Chronicle Map. */
@Command(
        name = "peers",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmarks tmem against the stores a JVM engineer would pick instead.",
            "Subjects: tmem-raw, tmem-zcache-lz4, ohc, caffeine, ehcache (off-heap tier),",
            "chronicle-map; each in a JVM of its own, with the same memory budget (the",
            "working set and a quarter more). Workloads: random keys over 256 MiB and",
            "2 GiB of 4 KiB pages, set10-get90 and set50-get50, 1 and 2 threads, random",
            "pages and the real-page corpus (built first if missing). Reports ops/s (with",
            "the spread of the iterations), p99 latency per op and memory per page held;",
            "prints progress and a table, and writes the rows as JSON.",
            "Caffeine keeps its pages on the heap: its JVM gets -Xmx of 1.5x the budget",
            "plus 768 MiB (about 4.5 GiB for the 2 GiB set)."
        })
final class BenchPeersCommand implements Callable<Integer> {

    @Option(
            names = "--quick",
            description = "About two minutes: the 256 MiB working set only (filling 2 GiB in each of"
                    + " the six subjects does not fit two minutes), 0.5 s warm-up and two 0.5 s iterations"
                    + " per case. Default: thorough (both working sets, 2 s warm-up and five 2 s iterations"
                    + " per case; about half an hour).")
    boolean quick;

    @Option(
            names = "--corpus",
            paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/corpus",
            description = "Directory of the page corpus (default: ${DEFAULT-VALUE}).")
    Path corpus;

    @Option(
            names = "--json",
            paramLabel = "PATH",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/bench/peers.json",
            description = "Where to write the rows as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
        PageCorpus.Options corpusOptions = PageCorpus.Options.defaults(corpus.toAbsolutePath().normalize());
        Path out = json.toAbsolutePath().normalize();
        PeersBench.run(quick ? PeersBench.Options.quick(corpusOptions, out)
                : PeersBench.Options.thorough(corpusOptions, out), System.out);
        System.out.flush();
        return 0;
    }
}

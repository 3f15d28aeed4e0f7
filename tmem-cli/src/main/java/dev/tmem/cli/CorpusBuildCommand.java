package dev.tmem.cli;

import dev.tmem.bench.corpus.Corpus;
import dev.tmem.bench.corpus.PageCorpus;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tmem corpus build}: runs {@link PageCorpus#build} and prints the composition. */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Samples real 4 KiB pages from this machine into a corpus.",
            "Sources: the JDK's lib/modules, shared libraries under /usr/lib, text under /usr/share",
            "(doc, common-licenses, man) and a heap dump (jcmd GC.heap_dump) of a JVM",
            "it starts, a quarter each. Writes pages-4k.bin, pages-4k.kinds and",
            "manifest.json, and prints the composition. A corpus already built with the",
            "same parameters is reused."
        })
final class CorpusBuildCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--pages",
            paramLabel = "N",
            defaultValue = "" + PageCorpus.DEFAULT_PAGES,
            description = "Pages in the corpus, 1.." + PageCorpus.MAX_PAGES + " (default: ${DEFAULT-VALUE}, 64 MiB).")
    int pages;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "" + PageCorpus.DEFAULT_SEED,
            description = "Seed of the sampling and the page order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/corpus",
            description = "Directory of the corpus files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--rebuild", description = "Build even if a corpus with these parameters is there.")
    boolean rebuild;

    @Option(names = "--no-heap-dump", description = "Leave out the heap dump (a third each from the files).")
    boolean noHeapDump;

    @Override
    public Integer call() throws Exception {
        if (pages < 1 || pages > PageCorpus.MAX_PAGES) {
            throw new ParameterException(spec.commandLine(),
                    "--pages must be 1.." + PageCorpus.MAX_PAGES + ", not " + pages);
        }
        var options = new PageCorpus.Options(pages, seed, out.toAbsolutePath().normalize(), rebuild,
                PageCorpus.Sources.system().withHeapDump(!noHeapDump));
        long start = System.nanoTime();
        try (Corpus corpus = PageCorpus.build(options, System.out)) {
            System.out.println();
            PageCorpus.printComposition(corpus, System.out);
            System.out.printf(Locale.ROOT, "%n%s: %,d pages in %.1f s%n", corpus.dir(), corpus.size(),
                    (System.nanoTime() - start) / 1e9);
        }
        System.out.flush();
        return 0;
    }
}

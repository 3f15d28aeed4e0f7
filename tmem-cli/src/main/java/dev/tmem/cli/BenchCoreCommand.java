package dev.tmem.cli;

import dev.tmem.bench.CoreBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tmem bench core}: runs {@link CoreBench} over the engine in tmem-core. */
@Command(
        name = "core",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmarks the tmem engine (tmem-core).",
            "Measures operations per second by workload and thread count; prints",
            "progress and a table, and writes the rows as JSON."
        })
final class BenchCoreCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--quick", description = "Short iterations, about a minute in all (the default).")
        boolean quick;

        @Option(names = "--full", description = "Longer iterations, for numbers to report: a few minutes.")
        boolean full;
    }

    @Option(
            names = "--json",
            paramLabel = "PATH",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/bench/core.json",
            description = "Where to write the rows as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(
            names = "--no-metadata",
            description = "Skip measuring metadata bytes per page (ten million pages).")
    boolean noMetadata;

    @Override
    public Integer call() throws Exception {
        Path out = json.toAbsolutePath().normalize();
        CoreBench.run(new CoreBench.Options(!length.full, out, !noMetadata), System.out);
        System.out.flush();
        return 0;
    }
}

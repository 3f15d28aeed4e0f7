package dev.tmem.cli;

import dev.tmem.bench.BenchReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tmem bench report}: runs {@link BenchReport} over the suites' JSON rows. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Turns the suites' results (every *.json of the results directory: core.json,",
            "zcache.json, peers.json, whichever exist) into a Markdown report with tables",
            "and PNG charts: throughput by subject and workload, memory per page by subject,",
            "and the zcache codec comparison. Runs no benchmark itself."
        })
final class BenchReportCommand implements Callable<Integer> {

    @Option(
            names = "--results",
            paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/bench",
            description = "Directory of the suites' JSON rows (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(
            names = "--out",
            paramLabel = "PATH",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/docs/BENCHMARKS.md",
            description = "The report to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--charts",
            paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/docs/bench",
            description = "Where the PNG charts go (default: ${DEFAULT-VALUE}).")
    Path charts;

    @Override
    public Integer call() throws Exception {
        BenchReport.run(new BenchReport.Options(results.toAbsolutePath().normalize(), out.toAbsolutePath().normalize(),
                charts.toAbsolutePath().normalize()), System.out);
        System.out.flush();
        return 0;
    }
}

package dev.tmem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tmem bench}: the parent of the benchmark suites; runs nothing itself. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "SUITE",
        versionProvider = Main.Version.class,
        description = {
            "Runs a benchmark suite.",
            "Each suite prints progress and a table, and writes its rows as JSON",
            "(by default under $TMEM_HOME/target/bench/)."
        },
        commandListHeading = "%nSuites:%n",
        subcommands = {BenchCoreCommand.class, BenchZcacheCommand.class, BenchPeersCommand.class, BenchReportCommand.class, BenchServerCommand.class})
final class BenchCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing suite");
    }
}

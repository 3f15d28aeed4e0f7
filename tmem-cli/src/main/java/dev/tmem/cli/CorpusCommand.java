package dev.tmem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tmem corpus}: the parent of the page-corpus tools; runs nothing itself. */
@Command(
        name = "corpus",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        versionProvider = Main.Version.class,
        description = {
            "Builds the corpus of real 4 KiB pages for compression tests.",
            "The compressed store's tests and benchmarks use it; it lives in",
            "$TMEM_HOME/target/corpus/ by default."
        },
        commandListHeading = "%nCommands:%n",
        subcommands = {CorpusBuildCommand.class})
final class CorpusCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}

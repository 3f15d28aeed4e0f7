package dev.tmem.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code tmem} command. Started by the {@code tmem} launcher at the repository root, which
 * builds this module on first use and sets {@code TMEM_HOME} to the repository root.
 *
 * <p>Exit codes: 0 on success, 1 when a command fails (the message only; the stack trace too
 * when {@code TMEM_DEBUG=1}), 2 on a usage error (a short message and a pointer to
 * {@code --help}).
 */
@Command(
        name = "tmem",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        versionProvider = Main.Version.class,
        description = "Transcendent memory for the JVM: benchmarks and tools.",
        subcommands = {BenchCommand.class, CorpusCommand.class, DemoCommand.class, ServerCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  TMEM_HOME       base of default output paths (target/bench/, target/corpus/);",
            "                  ./tmem sets it to the repository root (else: current dir)",
            "  TMEM_JAVA_OPTS  extra JVM flags for ./tmem to pass",
            "  TMEM_DEBUG=1    print the stack trace of an error",
            "",
            "Run 'tmem COMMAND --help' for the options of a command."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command failed", "2:usage error"})
public final class Main implements Runnable {

    @Spec CommandSpec spec;

    /** Without a subcommand there is nothing to run: a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, with this module's error handling; tests may call it. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Main())
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(new Failure());
    }

    static boolean debug() {
        return "1".equals(System.getenv("TMEM_DEBUG"));
    }

    /** Prints the message and where to find help, not the whole usage text. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String msg = String.valueOf(ex.getMessage());
        err.println("tmem: " + (msg.startsWith("Error: ") ? msg.substring("Error: ".length()) : msg));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        if (debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    static final class Failure implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            if (debug()) {
                ex.printStackTrace(err);
            } else {
                err.println("tmem: error: " + describe(ex));
                err.println("(set TMEM_DEBUG=1 for the stack trace)");
            }
            err.flush();
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        }

        /** The message of each exception in the cause chain (at most 8), without repeats. */
        static String describe(Throwable ex) {
            StringBuilder sb = new StringBuilder();
            String last = null;
            int depth = 0;
            for (Throwable t = ex; t != null && depth < 8; t = t.getCause(), depth++) {
                String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getName();
                if (last != null && last.contains(msg)) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append(": ");
                }
                sb.append(msg);
                last = msg;
            }
            return sb.toString();
        }
    }

    /** {@code tmem --version}: the build version from the jar manifest, the JVM and the OS. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "tmem " + (v != null ? v : "(unpackaged build)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch")
            };
        }
    }
}

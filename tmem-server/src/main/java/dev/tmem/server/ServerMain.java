package dev.tmem.server;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The server as a program of its own ({@code java -m dev.tmem.server/dev.tmem.server.ServerMain}),
 * with the same flags as {@code tmem server}. Tests start it to check exit codes and signals.
 */
@Command(
        name = "tmem-server",
        mixinStandardHelpOptions = true,
        version = "tmem-server (see TmemServer.version())",
        description = {ServerOptions.SUMMARY, ServerOptions.DETAILS},
        exitCodeListHeading = ServerOptions.EXIT_CODES_HEADING,
        exitCodeList = {"0:stopped by SIGTERM", "1:the server failed",
            "2:bad flags, a non-loopback address without --token, or the address cannot be bound"})
public final class ServerMain implements Callable<Integer> {

    @Mixin ServerOptions options;
    @Spec CommandSpec spec;

    public ServerMain() {}

    @Override
    public Integer call() throws Exception {
        return options.serve(spec, System.out, System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).setParameterExceptionHandler(ServerMain::usageError).execute(args));
    }

    /** A bad flag: the message and where to find help, not the whole usage text; status 2. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("tmem-server: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
        cmd.getErr().println("Try 'tmem-server --help' for more information.");
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}

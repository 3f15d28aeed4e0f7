package dev.tmem.cli;

import dev.tmem.server.ServerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tmem server}: runs the tmem server (tmem-server) until SIGTERM. The flags are
 * {@link ServerOptions}, shared with the server module's own {@code ServerMain}.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {ServerOptions.SUMMARY, ServerOptions.DETAILS},
        footerHeading = "%nExamples:%n",
        footer = {
            "  tmem server --memory 2g                 on 127.0.0.1:7420",
            "  tmem server --client-cap db=100000 --client-weight db=4",
            "  tmem server --host 0.0.0.0 --token T    all interfaces need a token",
            "  tmem server --unix /run/tmem.sock"
        },
        exitCodeListHeading = ServerOptions.EXIT_CODES_HEADING,
        exitCodeList = {"0:stopped by SIGTERM", "1:the server failed",
            "2:bad flags, a non-loopback address without --token, or the address cannot be bound"})
final class ServerCommand implements Callable<Integer> {

    @Mixin ServerOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return options.serve(spec, System.out, System.err);
    }
}

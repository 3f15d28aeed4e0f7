package dev.tmem.cli;

import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.demo.Demo;
import dev.tmem.server.ServerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tmem demo}: the frontends end to end on real files ({@link Demo}). Exits 0 only if every
 * check of the story held.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Runs cleancache and frontswap on real files, checking every step.",
            "",
            "Copies real files of this machine (a slice of the JDK's lib/modules, text under /usr/share),"
                    + " reads them through cached channels and swaps pages out to a swap file before any backend"
                    + " exists (cleancache misses, frontswap refuses: the pages go to the swap file); then loads"
                    + " the local backend (zcache, lz4) by name, which replays the filesystem and the swap area,"
                    + " so hits and stores climb; then unloads it, writing every swap page back, and compares"
                    + " each slot byte for byte with what was swapped out. Prints the counters at the end."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check held", "1:a check failed (each failed check is named)", "2:usage error"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where to make the directory for the copies of the files and the swap file"
                    + " (default: the system's temporary directory); it is deleted at the end.")
    Path dir;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "8m",
            description = "Bytes of real files to read, with an optional k, m or g suffix, 64k to 128m"
                    + " (default: ${DEFAULT-VALUE}); the swap file gets half as many pages.")
    String size;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        Demo.Settings settings;
        try {
            settings = Demo.Settings.of(dir, ServerOptions.parseSize(size));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--size: " + e.getMessage());
        }
        try (BackendRegistry registry = BackendRegistry.fromClassPath()) {
            return Demo.run(settings, registry, System.out).passed() ? 0 : 1;
        }
    }
}

package dev.tmem.cli;

import dev.tmem.bench.server.ServerBench;
import dev.tmem.server.ServerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tmem bench server}: {@code tmem server} against memcached under the same load. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmarks tmem server against memcached (Debian's memcached package), each in",
            "a process of its own on 127.0.0.1 with the same memory, under the same load:",
            "one connection per thread with requests pipelined, 4 KiB values (real pages",
            "if the corpus is built), mixes set10-get90 and set50-get50. Prints ops/s and",
            "p50/p99/p99.9 latency side by side and writes the rows as JSON. Without",
            "memcached it says how to install it and runs tmem alone."
        })
final class BenchServerCommand implements Callable<Integer> {

    @Option(names = "--full", description = "20 s per case after 5 s of warm-up (default: 5 s after 2 s).")
    boolean full;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Connections, one per thread (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "16",
            description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512m",
            description = "Memory of each server (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--working-set", paramLabel = "SIZE", defaultValue = "256m",
            description = "Distinct keys x 4 KiB (default: ${DEFAULT-VALUE}).")
    String workingSet;

    @Option(names = "--no-memcached", description = "Run tmem alone.")
    boolean noMemcached;

    @Option(names = "--corpus", paramLabel = "DIR",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/corpus",
            description = "The page corpus, used for the values if built (default: ${DEFAULT-VALUE}).")
    Path corpus;

    @Option(names = "--json", paramLabel = "PATH",
            defaultValue = "${env:TMEM_HOME:-${sys:user.dir}}/target/bench/server.json",
            description = "Where to write the rows as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || depth < 1) {
            throw new IllegalArgumentException("--threads and --depth must be at least 1");
        }
        ServerBench.run(ServerBench.Options.of(!full, threads, depth, ServerOptions.parseSize(memory),
                ServerOptions.parseSize(workingSet), corpus.toAbsolutePath().normalize(),
                json.toAbsolutePath().normalize(), !noMemcached), System.out);
        System.out.flush();
        return 0;
    }
}

package dev.tmem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree and the exit-code contract of {@link Main}; runs no benchmark. */
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void helpListsCommandsAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: tmem", "bench", "corpus", "server");
    }

    @Test
    void serverHelpNamesItsOptions() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString()).contains("--memory=SIZE", "--store=KIND", "--zcache=KEY=VALUE", "--token=TOKEN",
                "listening on");
    }

    @Test
    void serverRejectsBadFlagsAsAUsageError() {
        assertThat(run("server", "--store", "disk")).isEqualTo(2);
        assertThat(err.toString()).contains("zcache or raw");
    }

    @Test
    void benchZcacheHelpNamesItsOptions() {
        assertThat(run("bench", "zcache", "--help")).isZero();
        assertThat(out.toString()).contains("--full", "--corpus=DIR", "--json=PATH");
    }

    @Test
    void benchHelpListsSuites() {
        assertThat(run("bench", "--help")).isZero();
        assertThat(out.toString()).contains("Suites:", "core");
    }

    @Test
    void benchCoreHelpNamesItsOptions() {
        assertThat(run("bench", "core", "--help")).isZero();
        assertThat(out.toString()).contains("--quick", "--full", "--json=PATH", "--no-metadata");
    }

    @Test
    void corpusHelpListsBuild() {
        assertThat(run("corpus", "--help")).isZero();
        assertThat(out.toString()).contains("Commands:", "build");
    }

    @Test
    void corpusBuildHelpNamesItsOptions() {
        assertThat(run("corpus", "build", "--help")).isZero();
        assertThat(out.toString()).contains("--pages=N", "--seed=S", "--out=DIR", "--rebuild", "--no-heap-dump");
    }

    @Test
    void corpusBuildRejectsPagesOutOfRangeAsAUsageError() {
        assertThat(run("corpus", "build", "--pages", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--pages must be 1..", "tmem corpus build --help");
    }

    @Test
    void missingCorpusCommandIsAUsageError() {
        assertThat(run("corpus")).isEqualTo(2);
        assertThat(err.toString()).contains("missing command", "tmem corpus --help");
    }

    @Test
    void versionExitsZero() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("tmem ");
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command", "tmem --help");
    }

    @Test
    void missingSuiteIsAUsageError() {
        assertThat(run("bench")).isEqualTo(2);
        assertThat(err.toString()).contains("missing suite", "tmem bench --help");
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutTheWholeUsage() {
        assertThat(run("bench", "core", "--frob")).isEqualTo(2);
        assertThat(err.toString()).contains("--frob").doesNotContain("Usage:");
    }

    @Test
    void quickAndFullExcludeEachOther() {
        assertThat(run("bench", "core", "--quick", "--full")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void failureMessageJoinsTheCauseChainWithoutRepeats() {
        var io = new IOException("disk full");
        assertThat(Main.Failure.describe(new IllegalStateException("bench failed", io)))
                .isEqualTo("bench failed: disk full");
        assertThat(Main.Failure.describe(new RuntimeException(io))).isEqualTo("java.io.IOException: disk full");
    }
}

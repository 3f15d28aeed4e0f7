package dev.tmem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tmem demo}'s options and usage errors; the demo itself is tested by tmem-frontend's DemoTest. */
class DemoCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void demoIsListedByTmemHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).containsPattern(
                "\\n  demo +Runs cleancache and frontswap on real files, checking every step\\.\\R");
    }

    @Test
    void demoHelpNamesItsOptionsAndExitCodes() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: tmem demo", "--dir=DIR", "--size=SIZE", "default: 8m",
                "0   every check held", "1   a check failed");
    }

    @Test
    void aSizeOutOfRangeIsAUsageError() {
        assertThat(run("demo", "--size", "1k")).isEqualTo(2);
        assertThat(err.toString()).contains("--size: the data size must be 64 KiB to 128 MiB", "tmem demo --help");
    }

    @Test
    void aMalformedSizeIsAUsageError() {
        assertThat(run("demo", "--size", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a size");
    }
}

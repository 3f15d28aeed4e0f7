package dev.tmem.bench;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * A JMH output format that turns finished iterations into {@link Progress} steps and keeps JMH's
 * own text (the run header, the forked JVM's output, error stack traces) in a buffer, shown only
 * when a run fails. Confined to the thread that runs the suite (JMH calls it from the runner thread).
 */
final class JmhProgressFormat implements OutputFormat {

    private static final int MAX_LOG_CHARS = 64 * 1024;

    private final Progress progress;
    private final StringBuilder log = new StringBuilder();

    JmhProgressFormat(Progress progress) {
        this.progress = progress;
    }

    /** JMH's text since the last {@link #clearLog()}, the last {@value #MAX_LOG_CHARS} chars at most. */
    String log() {
        return log.toString();
    }

    void clearLog() {
        log.setLength(0);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {}

    @Override
    public void iterationResult(
            BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        progress.step(1);
    }

    @Override
    public void startBenchmark(BenchmarkParams benchParams) {}

    @Override
    public void endBenchmark(BenchmarkResult result) {}

    @Override
    public void startRun() {}

    @Override
    public void endRun(Collection<RunResult> result) {}

    @Override
    public void print(String s) {
        append(s);
    }

    @Override
    public void println(String s) {
        append(s);
        append(System.lineSeparator());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public void verbosePrintln(String s) {
        println(s);
    }

    @Override
    public void write(int b) {
        log.append((char) b);
    }

    @Override
    public void write(byte[] b) {
        append(new String(b, StandardCharsets.UTF_8));
    }

    private void append(String s) {
        log.append(s);
        if (log.length() > MAX_LOG_CHARS) {
            log.delete(0, log.length() - MAX_LOG_CHARS);
        }
    }
}

package dev.tmem.bench;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Shows how far a bench run is. On a terminal: one progress bar over all steps, its message naming
 * the case that runs ({@code [4/8] tmem 1GiB 2t}). Elsewhere (a pipe, a CI log, a test): one
 * plain line per case, so logs stay readable.
 *
 * <p>Confined to the thread that runs the suite.
 */
abstract sealed class Progress implements AutoCloseable permits Progress.Bar, Progress.Lines {

    /** A bar if {@code out} is {@link System#out} on a terminal, else plain lines. */
    static Progress create(PrintStream out, String task, long totalSteps) {
        var console = System.console();
        boolean terminal = out == System.out && console != null && console.isTerminal();
        return terminal ? new Bar(out, task, totalSteps) : new Lines(out);
    }

    /**
     * Case {@code n} of {@code of} starts: {@code label} names it in full, {@code shortLabel} in the
     * few columns a progress bar leaves.
     */
    abstract void startCase(int n, int of, String label, String shortLabel);

    /** One step (a JMH iteration, a million pages) is done. */
    abstract void step(long steps);

    /** The case that started last has finished with this summary. */
    abstract void endCase(String summary);

    @Override
    public abstract void close();

    static final class Bar extends Progress {

        private final ProgressBar bar;

        Bar(PrintStream out, String task, long totalSteps) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalSteps)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(250)
                    .build();
        }

        @Override
        void startCase(int n, int of, String label, String shortLabel) {
            bar.setExtraMessage("[" + n + "/" + of + "] " + shortLabel);
        }

        @Override
        void step(long steps) {
            bar.stepBy(steps);
        }

        @Override
        void endCase(String summary) {
            // the table shows the results once the bar is gone
        }

        @Override
        public void close() {
            bar.stepTo(bar.getMax());
            bar.close();
        }
    }

    static final class Lines extends Progress {

        private final PrintStream out;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        void startCase(int n, int of, String label, String shortLabel) {
            out.printf("[%d/%d] %-36s ", n, of, label);
            out.flush();
        }

        @Override
        void step(long steps) {
            out.print('.');
            out.flush();
        }

        @Override
        void endCase(String summary) {
            out.println(" " + summary);
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}

package dev.tmem.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Grouped bar charts as PNG files, drawn with XChart without a display.
 *
 * <p>AWT decides once per JVM whether it is headless, when it is first touched: {@link #headless()}
 * sets {@code java.awt.headless=true} before any chart class is loaded, so a report runs on a
 * server or in CI with no X display.
 */
final class BenchCharts {

    static final int WIDTH = 1200;
    static final int HEIGHT = 600;

    /**
     * A bar chart's data: one bar group per category, one bar per series in each group. A series
     * with no value in a category gets a bar of 0 there (the tables show what is missing).
     */
    static final class Bars {

        private final String title;
        private final String xTitle;
        private final String yTitle;
        private final List<String> categories = new ArrayList<>();
        private final Map<String, Map<String, Double>> series = new LinkedHashMap<>();

        Bars(String title, String xTitle, String yTitle) {
            this.title = title;
            this.xTitle = xTitle;
            this.yTitle = yTitle;
        }

        Bars add(String seriesName, String category, double value) {
            if (!categories.contains(category)) {
                categories.add(category);
            }
            series.computeIfAbsent(seriesName, k -> new LinkedHashMap<>()).put(category, value);
            return this;
        }

        boolean isEmpty() {
            return series.isEmpty();
        }

        List<String> categories() {
            return List.copyOf(categories);
        }

        List<String> seriesNames() {
            return List.copyOf(series.keySet());
        }
    }

    private BenchCharts() {}

    /** Sets AWT headless; call before touching any chart or AWT class. */
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Draws the bars to {@code png}, creating its directory, replacing the file. */
    static void write(Bars bars, Path png) throws IOException {
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("no data for chart " + png.getFileName());
        }
        headless();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(bars.title)
                .xAxisTitle(bars.xTitle).yAxisTitle(bars.yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(bars.categories.size() > 4 ? 30 : 0);
        chart.getStyler().setYAxisDecimalPattern("#,###.##");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (var e : bars.series.entrySet()) {
            List<Double> ys = new ArrayList<>(bars.categories.size());
            for (String c : bars.categories) {
                Double v = e.getValue().get(c);
                ys.add(v == null || !Double.isFinite(v) ? 0.0 : v);
            }
            chart.addSeries(e.getKey(), bars.categories, ys);
        }
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(png)) {
            if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out)) {
                throw new IOException("no PNG writer in this JDK for " + png);
            }
        }
    }
}

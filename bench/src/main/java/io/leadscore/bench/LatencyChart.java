package io.leadscore.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/**
 * Draws event-to-alert latency (p50, p95, p99) against offered load as a PNG with plain Java2D, headless: both axes
 * logarithmic, the goal (p99 ≤ 250 ms at 1,000 events/s) marked, and percentiles that were not reached (alerts missing
 * or a saturated rate) drawn as open markers at the top edge.
 */
final class LatencyChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private LatencyChart() {
    }

    static void write(List<LatencyScenario.Point> points, Path png, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double xMin = 100;
        double xMax = 10_000;
        double yMin = 10;
        double yMax = 100_000;
        for (var p : points) {
            xMin = Math.min(xMin, p.offered() / 1.5);
            xMax = Math.max(xMax, p.offered() * 1.5);
            for (double v : new double[]{p.p50(), p.p95(), p.p99()}) {
                if (Double.isFinite(v) && v > 0) {
                    yMin = Math.min(yMin, v / 1.5);
                    yMax = Math.max(yMax, v * 1.5);
                }
            }
        }
        Axis x = new Axis(Math.pow(10, Math.floor(Math.log10(xMin))), Math.pow(10, Math.ceil(Math.log10(xMax))), LEFT,
                WIDTH - RIGHT);
        Axis y = new Axis(Math.pow(10, Math.floor(Math.log10(yMin))), Math.pow(10, Math.ceil(Math.log10(yMax))),
                HEIGHT - BOTTOM, TOP);

        // Grid and labels: decades with 2 and 5 in between.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double decade = x.min; decade <= x.max; decade *= 10) {
            for (int m : new int[]{1, 2, 5}) {
                double v = decade * m;
                if (v > x.max) {
                    break;
                }
                int px = x.pixel(v);
                g.setColor(m == 1 ? new Color(210, 210, 210) : new Color(235, 235, 235));
                g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
                g.setColor(Color.DARK_GRAY);
                String label = String.format(Locale.ROOT, "%,.0f", v);
                g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
            }
        }
        for (double decade = y.min; decade <= y.max; decade *= 10) {
            for (int m : new int[]{1, 2, 5}) {
                double v = decade * m;
                if (v > y.max) {
                    break;
                }
                int py = y.pixel(v);
                g.setColor(m == 1 ? new Color(210, 210, 210) : new Color(235, 235, 235));
                g.drawLine(LEFT, py, WIDTH - RIGHT, py);
                g.setColor(Color.DARK_GRAY);
                String label = v >= 1000
                        ? String.format(Locale.ROOT, "%,.0f s", v / 1000)
                        : String.format(Locale.ROOT, "%,.0f ms", v);
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Event-to-alert latency against offered load", LEFT, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle, LEFT, 46);
        String xTitle = "offered load (events/s, log scale)";
        g.drawString(xTitle, LEFT + (WIDTH - LEFT - RIGHT - g.getFontMetrics().stringWidth(xTitle)) / 2, HEIGHT - 28);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("send → alert on the rep's stream (log scale)", -(HEIGHT - BOTTOM), 22);
        rotated.dispose();

        // The goal: p99 ≤ 250 ms at 1,000 events/s.
        g.setColor(new Color(0, 140, 0));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{6, 4}, 0));
        int goalX = x.pixel(1000);
        int goalY = y.pixel(250);
        g.drawLine(LEFT, goalY, goalX, goalY);
        g.drawLine(goalX, goalY, goalX, HEIGHT - BOTTOM);
        g.setStroke(new BasicStroke(1.5f));
        g.drawString("goal: p99 ≤ 250 ms at 1,000 events/s", goalX + 6, goalY - 6);

        series(g, points, x, y, LatencyScenario.Point::p50, new Color(31, 119, 180), "p50", 0);
        series(g, points, x, y, LatencyScenario.Point::p95, new Color(255, 127, 14), "p95", 1);
        series(g, points, x, y, LatencyScenario.Point::p99, new Color(214, 39, 40), "p99", 2);
        g.setColor(Color.DARK_GRAY);
        g.drawString("open marker at the top: not reached (alerts missing / rate saturated)", WIDTH - RIGHT - 420,
                TOP + 62);
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private static void series(Graphics2D g, List<LatencyScenario.Point> points, Axis x, Axis y,
            ToDoubleFunction<LatencyScenario.Point> value, Color color, String name, int legendRow) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2.2f));
        Path2D line = new Path2D.Double();
        boolean started = false;
        var sorted = points.stream().sorted((a, b) -> Double.compare(a.offered(), b.offered())).toList();
        for (var p : sorted) {
            double v = value.applyAsDouble(p);
            int px = x.pixel(p.offered());
            if (!Double.isFinite(v)) {
                g.drawOval(px - 5, TOP - 5, 10, 10);
                continue;
            }
            int py = y.pixel(v);
            if (started) {
                line.lineTo(px, py);
            } else {
                line.moveTo(px, py);
                started = true;
            }
            g.fillOval(px - 4, py - 4, 8, 8);
        }
        g.draw(line);
        int lx = WIDTH - RIGHT - 120;
        int ly = TOP + 14 + legendRow * 16;
        g.drawLine(lx, ly - 4, lx + 24, ly - 4);
        g.setColor(Color.BLACK);
        g.drawString(name, lx + 30, ly);
    }

    private record Axis(double min, double max, int from, int to) {
        int pixel(double v) {
            double t = (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            return (int) Math.round(from + t * (to - from));
        }
    }
}

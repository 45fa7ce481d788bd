package io.leadscore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a run's figures into {@code docs/performance.md} between {@code <!-- bench:begin -->} and
 * {@code <!-- bench:end -->} (appending the markers when the file has none), leaving every hand-written section alone,
 * and draws {@code docs/perf/latency-vs-load.png} when the latency scenario ran. Only when {@code LEADSCORE_DOCS} names
 * the docs directory, as {@code bin/leadscore bench} does: a run started by hand (a single scenario while profiling,
 * say) leaves the page alone unless asked to.
 */
final class PerformanceReport {

    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";
    static final double READY_GOAL_SECONDS = 3;
    static final long RSS_GOAL_KB = 300 * 1024;

    private static final Pattern CEILING = Pattern.compile("([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\)");
    private static final Pattern THROUGHPUT = Pattern.compile("^([0-9,.]+) (events|requests|records)/s");

    private PerformanceReport() {
    }

    static void write(List<String[]> rows, ServiceStats.Snapshot before) throws IOException {
        String docsDir = System.getenv("LEADSCORE_DOCS");
        if (docsDir == null || docsDir.isBlank()) {
            return;
        }
        ServiceStats.Snapshot after = ServiceStats.snapshot();
        Path docs = Path.of(docsDir);
        Path page = docs.resolve("performance.md");
        if (!Files.exists(page)) {
            System.err.println("no " + page + "; figures only in the report file");
            return;
        }
        String chart = null;
        if (!LatencyScenario.POINTS.isEmpty()) {
            Path png = docs.resolve("perf").resolve("latency-vs-load.png");
            LatencyChart.write(LatencyScenario.POINTS, png, String.format(Locale.ROOT,
                    "bin/leadscore bench, SCALE=%s, %s UTC, load average before %s on %d cores",
                    BenchMain.env("SCALE", "1.0"), stamp(before), before.loadAverage(),
                    Runtime.getRuntime().availableProcessors()));
            chart = "perf/latency-vs-load.png";
            System.out.println("Chart in " + png);
        }
        String section = section(rows, before, after, chart);
        String text = Files.readString(page, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + section + text.substring(end + END.length());
        } else {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.writeString(page, text, StandardCharsets.UTF_8);
        System.out.println("Figures written to " + page + " (between " + BEGIN + " and " + END + ")");
    }

    static String section(List<String[]> rows, ServiceStats.Snapshot before, ServiceStats.Snapshot after,
            String chart) {
        double ceiling = Double.NaN;
        String ceilingText = "not measured in this run";
        try {
            String line = Files.readString(Path.of(BenchMain.env("LEADSCORE_BENCH_CEILING", "../.local/bench-ceiling.txt")));
            Matcher m = CEILING.matcher(line);
            if (m.find()) {
                ceiling = Double.parseDouble(m.group(1));
                ceilingText = String.format(Locale.ROOT, "%,.0f records/s (%s MB/s)", ceiling, m.group(2));
            }
        } catch (IOException e) {
            // No ceiling line: the ratios stay empty.
        }
        StringBuilder md = new StringBuilder(BEGIN).append('\n');
        md.append("## Latest `bin/leadscore bench` run (generated)\n\n");
        md.append(String.format(Locale.ROOT, "Written by the bench itself; everything outside the `bench:begin`/"
                + "`bench:end` markers is hand-written. Command: `SCALE=%s SCENARIOS=%s bin/leadscore bench`, "
                + "%s–%s UTC, %d cores, load average (1/5/15 min) %s before and %s after the run. Ceiling: "
                + "Kafka's producer performance tool on the same broker (300 B records, acks=all) — %s; the ratio "
                + "column compares each throughput with it.\n\n",
                BenchMain.env("SCALE", "1.0"), BenchMain.env("SCENARIOS", "(all)"), stamp(before),
                after.at().atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm")),
                Runtime.getRuntime().availableProcessors(), before.loadAverage(), after.loadAverage(), ceilingText));
        md.append("| figure | measured | ratio to ceiling | goal |\n|---|---|---|---|\n");
        for (String[] r : rows) {
            md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(ratio(r[1], ceiling))
                    .append(" | ").append(r[2]).append(" |\n");
        }
        if (chart != null) {
            md.append("\nEvent-to-alert latency against offered load (p50/p95/p99; open markers: not reached):\n\n")
                    .append("![Event-to-alert latency against offered load](").append(chart).append(")\n");
        }
        md.append("\n### Each process: ready time, memory, CPU\n\n");
        md.append("Ready: process start (`/proc/<pid>/stat`) → the service's Quarkus \"started … Listening on\" log "
                + "line, when `/q/health/ready` can first answer (Quarkus's own \"started in\", which excludes JVM "
                + "start, in brackets). RSS: `VmRSS` before and after the run, and the process's peak (`VmHWM`). CPU: "
                + "`utime + stime` spent during the run.\n\n");
        md.append("| process | ready | RSS before | RSS after | peak RSS | CPU s during run | goal |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (var p : after.processes().values()) {
            var b = before.processes().get(p.name());
            boolean service = ServiceStats.SERVICES.contains(p.name());
            boolean restarted = b == null || b.pid() != p.pid();
            String ready = Double.isNaN(p.readySeconds())
                    ? "—"
                    : String.format(Locale.ROOT, "%.1f s (%.1f s)", p.readySeconds(), p.quarkusSeconds());
            String goal = "—";
            if (service) {
                boolean met = p.readySeconds() <= READY_GOAL_SECONDS && p.peakRssKb() <= RSS_GOAL_KB;
                goal = "ready ≤ 3 s, ≤ 300 MB RSS: " + (met ? "met" : "**missed**");
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |\n", p.name(), ready,
                    restarted ? "—" : mb(b.rssKb()), mb(p.rssKb()), mb(p.peakRssKb()),
                    restarted ? "(restarted)" : String.format(Locale.ROOT, "%.1f", p.cpuSeconds() - b.cpuSeconds()),
                    goal));
        }
        return md.append(END).toString();
    }

    private static String ratio(String measured, double ceiling) {
        Matcher m = THROUGHPUT.matcher(measured);
        if (Double.isNaN(ceiling) || !m.find()) {
            return "—";
        }
        double value = Double.parseDouble(m.group(1).replace(",", ""));
        double r = value / ceiling;
        return r >= 0.1 ? String.format(Locale.ROOT, "%.0f %%", r * 100) : String.format(Locale.ROOT, "%.1f %%", r * 100);
    }

    private static String mb(long kb) {
        return String.format(Locale.ROOT, "%,d MB", Math.round(kb / 1024.0));
    }

    private static String stamp(ServiceStats.Snapshot s) {
        return s.at().atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
    }
}

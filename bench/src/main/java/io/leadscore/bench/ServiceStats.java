package io.leadscore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each process of the local stack costs, read from {@code /proc} by the pids {@code bin/leadscore up} records in
 * {@code .local/pids}: resident memory ({@code VmRSS}, and the peak {@code VmHWM}), CPU seconds ({@code utime +
 * stime}), and for the four services the ready time — process start (from {@code /proc/<pid>/stat}) to the Quarkus
 * "started in" line of the service's log, the moment its HTTP server (and so {@code /q/health/ready}) first answers.
 */
final class ServiceStats {

    static final List<String> SERVICES = List.of("ingest", "scoring", "routing", "notification");
    static final List<String> INFRASTRUCTURE = List.of("kafka", "postgres", "smtp", "http-receiver");
    /** USER_HZ: the unit of {@code utime}/{@code stime}; 100 on every Linux the stack runs on. */
    static final double TICKS = Double.parseDouble(BenchMain.env("CLK_TCK", "100"));
    static final Path LOCAL = Path.of(BenchMain.env("LEADSCORE_LOCAL", "../.local"));

    /** One process at one moment; {@code readySeconds} and {@code quarkusSeconds} NaN when not known. */
    record Process(String name, long pid, long rssKb, long peakRssKb, double cpuSeconds, double readySeconds,
            double quarkusSeconds) {
    }

    /** The stack at one moment, with the machine's load averages (1, 5, 15 min) from {@code /proc/loadavg}. */
    record Snapshot(Instant at, String loadAverage, Map<String, Process> processes) {
    }

    /** Every recorded, running process of the stack, services first. */
    static Snapshot snapshot() {
        String load;
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            load = f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            load = "unknown";
        }
        return new Snapshot(Instant.now(), load, processes());
    }

    static Map<String, Process> processes() {
        Map<String, Process> all = new LinkedHashMap<>();
        for (String name : SERVICES) {
            read(name).ifPresent(p -> all.put(name, p));
        }
        for (String name : INFRASTRUCTURE) {
            read(name).ifPresent(p -> all.put(name, p));
        }
        return all;
    }

    static java.util.Optional<Process> read(String name) {
        try {
            long pid = Long.parseLong(Files.readString(LOCAL.resolve("pids").resolve(name + ".pid")).strip());
            Path proc = Path.of("/proc", Long.toString(pid));
            if (!Files.exists(proc)) {
                return java.util.Optional.empty();
            }
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            String[] stat = statFields(Files.readString(proc.resolve("stat")));
            double cpu = (Long.parseLong(stat[13]) + Long.parseLong(stat[14])) / TICKS;
            Instant started = bootTime().plusMillis((long) (Long.parseLong(stat[21]) * 1000 / TICKS));
            double ready = Double.NaN;
            double quarkus = Double.NaN;
            if (SERVICES.contains(name)) {
                double[] logged = startedLine(LOCAL.resolve("logs").resolve(name + ".log"), started);
                ready = logged[0];
                quarkus = logged[1];
            }
            return java.util.Optional.of(new Process(name, pid, rss, hwm, cpu, ready, quarkus));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The fields of {@code /proc/<pid>/stat} from field 3 on, shifted so index i is field i+1 of proc(5). */
    private static String[] statFields(String stat) {
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        String[] fields = new String[rest.length + 2];
        fields[0] = stat.substring(0, stat.indexOf(' '));
        fields[1] = stat.substring(stat.indexOf('(') + 1, close);
        System.arraycopy(rest, 0, fields, 2, rest.length);
        return fields;
    }

    private static Instant bootTime() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("btime ")) {
                return Instant.ofEpochSecond(Long.parseLong(line.substring(6).strip()));
            }
        }
        throw new IOException("no btime in /proc/stat");
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private static final Pattern STARTED = Pattern.compile(
            "^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .* started in (\\d+\\.\\d+)s\\. Listening on.*");

    /**
     * Seconds from process start to the last "started in … Listening on" line of the log (the log is rewritten on
     * every start, its times are local wall-clock times of the day the process started), and Quarkus's own figure.
     */
    private static double[] startedLine(Path log, Instant processStart) throws IOException {
        double[] result = {Double.NaN, Double.NaN};
        if (!Files.exists(log)) {
            return result;
        }
        ZoneId zone = ZoneId.systemDefault();
        ZonedDateTime start = processStart.atZone(zone);
        try (var lines = Files.lines(log)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = STARTED.matcher(line);
                if (m.matches()) {
                    LocalTime time = LocalTime.parse(m.group(1));
                    LocalDate day = start.toLocalDate();
                    ZonedDateTime at = ZonedDateTime.of(day, time, zone);
                    if (at.isBefore(start.minusSeconds(1))) {
                        at = at.plusDays(1);
                    }
                    result[0] = (at.toInstant().toEpochMilli() - processStart.toEpochMilli()) / 1000.0;
                    result[1] = Double.parseDouble(m.group(2));
                }
            }
        }
        return result;
    }
}

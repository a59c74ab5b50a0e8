package dev.etcdsnapshot.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measurements for the benchmarks: a child process's wall time and peak RSS as GNU time reports them, and the
 * median and range of repeated samples.
 */
public final class Measured {

  private static final Path GNU_TIME = Path.of("/usr/bin/time");

  private Measured() {}

  /** One run of a command. */
  public record Run(double seconds, long maxRssKiB, String output) {
    public double maxRssMiB() {
      return maxRssKiB / 1024.0;
    }
  }

  /** Fails with the package to install when GNU time is missing. */
  public static void requireGnuTime() {
    if (!Files.isExecutable(GNU_TIME)) {
      throw new IllegalStateException("the benchmarks need GNU time: apt-get install time");
    }
  }

  /** Runs {@code command} under GNU time; a non-zero exit fails with its output. */
  public static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    Path report = Files.createTempFile("time-", ".txt");
    try {
      List<String> timed = new ArrayList<>(List.of(GNU_TIME.toString(), "-f", "%e %M", "-o", report.toString()));
      timed.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(timed).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process p = builder.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      if (code != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + code + ":\n" + output);
      }
      String[] fields = Files.readString(report).trim().split("\\s+");
      return new Run(Double.parseDouble(fields[fields.length - 2]), Long.parseLong(fields[fields.length - 1]),
          output);
    } finally {
      Files.deleteIfExists(report);
    }
  }

  /** Median, minimum and maximum of samples. */
  public record Stats(double median, double min, double max) {
    public static Stats of(List<Double> samples) {
      double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Stats(median, sorted[0], sorted[n - 1]);
    }

    /** {@code median (min-max)} with the given format for each number. */
    public String format(String number) {
      return String.format(number, median) + " (" + String.format(number, min) + "–" + String.format(number, max)
          + ")";
    }
  }

  /** The system load average, for the record: other work on the machine shows in every figure. */
  public static String loadAverage() throws IOException {
    return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split(" ")).limit(3)
        .reduce((a, b) -> a + " " + b).orElse("?");
  }
}

package dev.etcdsnapshot.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends result rows to a table of {@code BENCHMARKS.md}: the table that follows the line
 * {@code <!-- results: <name> -->}, so each benchmark keeps its history in one place.
 */
public final class BenchmarkLog {

  private static final Path FILE = Path.of("BENCHMARKS.md");

  private BenchmarkLog() {}

  /** Adds {@code rows} at the end of the table under the marker {@code name}. */
  public static synchronized void append(String name, List<String> rows) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(FILE, StandardCharsets.UTF_8));
    String marker = "<!-- results: " + name + " -->";
    int at = lines.indexOf(marker);
    if (at < 0) {
      throw new IllegalStateException(FILE + " has no line " + marker);
    }
    int end = at + 1;
    while (end < lines.size() && !lines.get(end).startsWith("|")) {
      end++; // to the table's header
    }
    while (end < lines.size() && lines.get(end).startsWith("|")) {
      end++;
    }
    lines.addAll(end, rows);
    Files.write(FILE, lines, StandardCharsets.UTF_8);
    rows.forEach(System.out::println);
  }
}

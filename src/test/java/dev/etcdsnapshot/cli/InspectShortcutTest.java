package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} without picocli prints what picocli's {@code inspect} prints, byte for byte and with the same exit
 * code, for every plain line, and leaves every other line to picocli. Runs on a real etcd 3.4 snapshot (the test
 * fixture).
 */
class InspectShortcutTest {

  private static final String NAME = "on-demand-n1-1796000000";

  @TempDir Path tmp;
  private Path dir;
  private Path file;
  private Path notASnapshot;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    file = dir.resolve(NAME);
    try (InputStream in = getClass().getResourceAsStream("/fixtures/etcd-3.4-one-key.db")) {
      Files.copy(in, file);
    }
    notASnapshot = Files.writeString(tmp.resolve("not-a-snapshot.db"), "x".repeat(4096));
  }

  @Test
  void everyPlainLineIsTakenAndPrintsWhatPicocliPrints() {
    String path = file.toString();
    List<String[]> lines = List.of(
        args("inspect", path),
        args("inspect", path, "-o", "json"),
        args("inspect", "-o", "yaml", path),
        args("inspect", "--output=json", path),
        args("inspect", "--output", "table", path),
        args("inspect", path, "--temp-dir", tmp.toString(), "--node-name", "n1"),
        args("inspect", NAME, "--dir", dir.toString()),
        args("inspect", "--etcd-snapshot-dir=" + dir, NAME, "-o", "json"),
        args("inspect", "--temp-dir=" + tmp, path, "-o", "yaml"),
        // Failures: a format inspect does not know, a missing file, a file that is not a snapshot.
        args("inspect", path, "-o", "xml"),
        args("inspect", tmp.resolve("missing").toString()),
        args("inspect", "missing", "--dir", dir.toString()),
        args("inspect", notASnapshot.toString(), "-o", "json"));
    List<Integer> codes = new ArrayList<>();
    for (String[] line : lines) {
      assertThat(InspectShortcut.parse(line)).as(String.join(" ", line)).isPresent();
      Run shortcut = Run.of(false, line);
      Run picocli = Run.of(true, line);
      assertThat(shortcut).as(String.join(" ", line)).isEqualTo(picocli);
      codes.add(shortcut.code);
    }
    // The lines do what they say: nine reports of the fixture (etcdctl's hash and revision for it), then four
    // failures of exit code 1.
    assertThat(codes).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(Run.of(false, lines.get(1)).out).startsWith("{").contains("\"hash\" : 3255716634,")
        .contains("\"revision\" : 2,");
    assertThat(Run.of(false, lines.get(2)).out).startsWith("hash: 3255716634\nrevision: 2\n");
    assertThat(Run.of(false, lines.get(9)).err).isEqualTo("-o: invalid output format 'xml' (table, json or yaml)\n");
    assertThat(Run.of(false, lines.get(10)).err).contains("no such snapshot file");
    assertThat(Run.of(false, lines.get(12)).err).startsWith("Snapshot " + notASnapshot + " cannot be read: ");
  }

  @Test
  void everyOtherLineIsLeftToPicocli() {
    String path = file.toString();
    List<String[]> lines = List.of(
        args("inspect"),
        args("inspect", "--help"),
        args("inspect", "-h", path),
        args("inspect", "-V"),
        args("inspect", path, "--debug"),
        args("--debug", "inspect", path),
        args("inspect", path, "-o"),
        args("inspect", path, "-o", "json", "-o", "yaml"),
        args("inspect", "-ojson", path),
        args("inspect", "-o=json", path),
        args("inspect", path, path),
        args("inspect", "@" + path),
        args("inspect", "--", path),
        args("inspect", path, "--output="),
        args("inspect", path, "--unknown", "x"),
        args("inspect", path, "--dir", "a", "--dir", "b"),
        args("inspect", path, "--temp-dir", "a\0b"),
        args("ls", "--dir", dir.toString()));
    for (String[] line : lines) {
      assertThat(InspectShortcut.parse(line)).as(String.join(" ", line)).isEmpty();
    }
    // Through the command line they are picocli's: its usage error for a missing value, its help.
    Run missingValue = Run.of(false, args("inspect", path, "-o"));
    assertThat(missingValue.code).isEqualTo(Cli.USAGE);
    assertThat(missingValue.err).contains("-o").contains("see 'etcd-snapshot-operator inspect --help'");
    assertThat(Run.of(false, args("inspect", "--help")).out).startsWith("Usage: etcd-snapshot-operator inspect");
  }

  private static String[] args(String... args) {
    return args;
  }

  private record Run(int code, String out, String err) {
    static Run of(boolean picocli, String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      PrintWriter o = new PrintWriter(out);
      PrintWriter e = new PrintWriter(err);
      int code = picocli ? Cli.executeWithPicocli(o, e, args) : Cli.execute(o, e, args);
      return new Run(code, out.toString(), err.toString());
    }
  }
}

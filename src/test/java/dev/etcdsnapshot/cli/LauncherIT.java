package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.testing.TestJar;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/etcd-snapshot-operator}: the jar's commands with a class-data-sharing archive per command, written by
 * the first run and used by the next, with nothing of it on stdout (which {@code ls -o json} must keep clean).
 */
class LauncherIT {

  @TempDir Path tmp;

  @Test
  void theFirstRunWritesTheArchiveAndTheNextUsesItWithTheSameOutput() throws Exception {
    Path jar = TestJar.require();
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    TestSnapshots.write(dir.resolve("on-demand-n1-1796000000"), 4, 1);
    Path cache = tmp.resolve("cds");
    Map<String, String> env = Map.of("ETCD_SNAPSHOT_JAR", jar.toString(), "ETCD_SNAPSHOT_CDS_DIR", cache.toString(),
        "JAVA_HOME", System.getProperty("java.home"));

    Result first = launch(env, "ls", "--dir", dir.toString(), "-o", "json");
    assertThat(archives(cache)).singleElement().asString().endsWith("-ls.jsa");
    // -Xshare:on makes the JVM refuse to start unless it maps the archive: the second run really uses it.
    Map<String, String> strict = new java.util.HashMap<>(env);
    strict.put("JAVA_OPTS", "-Xshare:on");
    Result second = launch(strict, "ls", "--dir", dir.toString(), "-o", "json");

    assertThat(first.code).isZero();
    assertThat(second.code).isZero();
    assertThat(first.out).startsWith("{").contains("on-demand-n1-1796000000").isEqualTo(second.out);
    assertThat(first.err + second.err).isEmpty();
    assertThat(launch(env, "verify", "--dir", dir.toString(), "on-demand-n1-1796000000").code).isZero();
    assertThat(archives(cache)).hasSize(2);
  }

  /** The JVM trusts what it maps, so a cache directory others may write to is never used. */
  @Test
  void aCacheOthersCanWriteToIsNotUsed() throws Exception {
    Path jar = TestJar.require();
    Path cache = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Result run = launch(Map.of("ETCD_SNAPSHOT_JAR", jar.toString(), "ETCD_SNAPSHOT_CDS_DIR", cache.toString(),
        "JAVA_HOME", System.getProperty("java.home")), "--version");
    assertThat(run.code).isZero();
    assertThat(archives(cache)).isEmpty();
  }

  @Test
  void anUnwritableCacheOnlyMeansNoArchiveAndAMissingJarIsNamed() throws Exception {
    Path jar = TestJar.require();
    Path notADir = Files.writeString(tmp.resolve("file"), "");
    Result run = launch(Map.of("ETCD_SNAPSHOT_JAR", jar.toString(), "ETCD_SNAPSHOT_CDS_DIR",
        notADir.resolve("cds").toString(), "JAVA_HOME", System.getProperty("java.home")), "--version");
    assertThat(run.code).isZero();
    assertThat(run.out).startsWith("etcd-snapshot-operator");

    Result missing = launch(Map.of("ETCD_SNAPSHOT_JAR", tmp.resolve("none.jar").toString()), "--version");
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).contains("etcd-snapshot-operator.jar not found");
  }

  private record Result(int code, String out, String err) {}

  private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin/etcd-snapshot-operator").toAbsolutePath()
        .toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Path err = tmp.resolve("stderr");
    builder.redirectError(err.toFile());
    Path out = tmp.resolve("stdout");
    builder.redirectOutput(out.toFile());
    Process p = builder.start();
    try {
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the launcher returned").isTrue();
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }

  private static List<String> archives(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}

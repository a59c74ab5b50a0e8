package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.TestJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real etcd: in-process through the CLI classes, and once through the real jar. */
class CliIT {

  private static EtcdCluster etcd;

  @TempDir Path tmp;
  private Path dir;
  private String endpoint;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(500, 1024);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    endpoint = etcd.member(0).clientUrl();
  }

  @Test
  void saveListVerifyPruneDeleteRoundTrip() throws Exception {
    List<String> saved = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CliRun save = CliRun.of("save", "--endpoints", endpoint, "--dir", dir.toString(), "--node-name", "n1");
      assertThat(save.code()).as(save.err()).isZero();
      assertThat(save.err()).isEmpty();
      assertThat(save.out()).matches("Snapshot on-demand-n1-\\d+ saved\\.\n");
      saved.add(save.out().substring("Snapshot ".length(), save.out().indexOf(" saved.")));
      Thread.sleep(1100); // one file per second, as k3s names them
    }
    CliRun zipped = CliRun.of("save", "--endpoints", endpoint, "--dir", dir.toString(), "--node-name", "n1",
        "--name", "etcd-snapshot", "--etcd-snapshot-compress");
    assertThat(zipped.out()).matches("Snapshot etcd-snapshot-n1-\\d+\\.zip saved\\.\n");

    CliRun ls = CliRun.of("ls", "--dir", dir.toString(), "--node-name", "n1");
    assertThat(ls.out().split("\n")).hasSize(5);
    assertThat(ls.out()).contains(saved.get(0), saved.get(2), ".zip");
    String zipName = zipped.out().substring("Snapshot ".length(), zipped.out().indexOf(" saved."));
    assertThat(CliRun.of("verify", "--dir", dir.toString(), zipName).code()).isZero();
    assertThat(CliRun.of("verify", "--dir", dir.toString(), saved.get(1)).out()).contains(" OK: ");

    CliRun prune = CliRun.of("prune", "--dir", dir.toString(), "--snapshot-retention", "1");
    assertThat(prune.out()).isEqualTo("Snapshot " + saved.get(1) + " deleted.\nSnapshot " + saved.get(0)
        + " deleted.\n");

    CliRun delete = CliRun.of("delete", "--dir", dir.toString(), saved.get(2), zipName);
    assertThat(delete.code()).isZero();
    assertThat(files()).isEmpty();
  }

  @Test
  void theJarSavesAndListsLikeTheInProcessCommand() throws Exception {
    String jar = TestJar.require().toString();
    String java = TestJar.java();

    Result save = exec(java, "-jar", jar, "save", "--endpoints", endpoint, "--dir", dir.toString(),
        "--node-name", "jar-node");
    Result ls = exec(java, "-jar", jar, "ls", "--dir", dir.toString(), "-o", "json");
    Result bad = exec(java, "-jar", jar, "save", "--endpoints", "http://127.0.0.1:1", "--dir", dir.toString());

    assertThat(save.code).as(save.err).isZero();
    assertThat(save.out).matches("Snapshot on-demand-jar-node-\\d+ saved\\.\n");
    assertThat(save.err).isEmpty();
    assertThat(ls.out).contains("\"kind\":\"List\"", "on-demand-jar-node-");
    assertThat(bad.code).isEqualTo(1);
    assertThat(bad.err.split("\n")).singleElement().asString().contains("http://127.0.0.1:1").contains("unreachable");
  }

  @Test
  void etcdKilledWhileStreamingFailsWithOneLineAndLeavesNothing() throws Exception {
    try (EtcdCluster doomed = EtcdCluster.start(1)) {
      doomed.loadKeys(600, 64 * 1024); // ~40 MB: long enough a stream to kill it half way
      String url = doomed.member(0).clientUrl();
      Thread killer = new Thread(() -> {
        try {
          while (!partFileExists()) {
            Thread.onSpinWait();
          }
          doomed.member(0).kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      killer.start();
      CliRun save = CliRun.of("save", "--endpoints", url, "--dir", dir.toString(), "--node-name", "n1");
      killer.join(TimeUnit.SECONDS.toMillis(30));

      assertThat(save.code()).as(save.out()).isEqualTo(1);
      assertThat(save.errLines()).singleElement().asString()
          .startsWith("failed to save snapshot on-demand-n1-").contains("snapshot stream from etcd at " + url);
      assertThat(files()).isEmpty();
    }
  }

  @Test
  void savesFromAnEtcdListeningOnIpv6LoopbackOnly() throws Exception {
    try (EtcdCluster v6 = EtcdCluster.startOnIpv6Loopback()) {
      String url = v6.member(0).clientUrl();
      assertThat(url).startsWith("http://[::1]:");
      v6.member(0).etcdctl("put", "/v6/key", "over-ipv6");

      CliRun save = CliRun.of("save", "--endpoints", url, "--dir", dir.toString(), "--node-name", "v6");

      assertThat(save.code()).as(save.err()).isZero();
      assertThat(save.out()).matches("Snapshot on-demand-v6-\\d+ saved\\.\n");
      String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
      assertThat(files()).containsExactly(name);
      assertThat(Files.readAllBytes(dir.resolve(name))).asString(StandardCharsets.ISO_8859_1).contains("over-ipv6");
      assertThat(CliRun.of("verify", "--dir", dir.toString(), name).code()).isZero();
    }
  }

  @Test
  void unreachableEtcdIsOneLine() throws Exception {
    CliRun save = CliRun.of("save", "--endpoints", "http://127.0.0.1:1", "--dir", dir.toString(), "--node-name", "n1");
    assertThat(save.code()).isEqualTo(1);
    assertThat(save.errLines()).singleElement().asString().matches("failed to save snapshot on-demand-n1-\\d+: "
        + "etcd at http://127\\.0\\.0\\.1:1 is unreachable \\(Connection refused: /127\\.0\\.0\\.1:1\\)");
    assertThat(files()).isEmpty();
  }

  /** True once snapshot bytes have reached the .part file, i.e. etcd is streaming. */
  private boolean partFileExists() {
    return files().stream().filter(f -> f.endsWith(".part")).anyMatch(f -> {
      try {
        return Files.size(dir.resolve(f)) > 0;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private List<String> files() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    var err = p.getErrorStream();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] errBytes = err.readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(errBytes, StandardCharsets.UTF_8));
  }
}

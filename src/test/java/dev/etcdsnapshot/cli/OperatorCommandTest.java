package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.config.PodEnvironment;
import dev.etcdsnapshot.model.Flavor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OperatorCommandTest {

  private static OperatorCommand parse(String... args) {
    OperatorCommand cmd = new OperatorCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  private static final PodEnvironment POD = new PodEnvironment(
      Map.of("NODE_NAME", "server-1", "POD_NAME", "eso-abc12", "POD_NAMESPACE", "etcd-snapshot"),
      Path.of("/nonexistent"));

  @Test
  void defaultsComeFromThePod() {
    OperatorConfig c = parse("--endpoints", "http://127.0.0.1:2379").config(POD, null);
    assertThat(c.nodeName()).isEqualTo("server-1");
    assertThat(c.identity()).isEqualTo("eso-abc12");
    assertThat(c.namespaces()).containsExactly("etcd-snapshot");
    assertThat(c.operatorNamespace()).isEqualTo("etcd-snapshot");
    assertThat(c.syncInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.flavor()).isEqualTo(Flavor.K3S);
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.metricsPort()).isEqualTo(8080);
    assertThat(c.snapshotDir()).isEqualTo(Path.of("/var/lib/rancher/k3s/server/db/snapshots"));
    assertThat(c.createSnapshotDir()).isTrue();
    assertThat(c.compressThreads()).isEqualTo(
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)));
  }

  @Test
  void compressThreadsAreAFlagAndAtLeastOne() {
    assertThat(parse("--endpoints", "http://127.0.0.1:2379", "--compress-threads", "3").config(POD, null)
        .compressThreads()).isEqualTo(3);
    assertThatThrownBy(() -> parse("--endpoints", "http://127.0.0.1:2379", "--compress-threads", "0")
        .config(POD, null)).hasMessage("--compress-threads must be 1 or more, got 0");
  }

  @Test
  void flagsWin() {
    OperatorConfig c = parse("--endpoints", "http://127.0.0.1:2379", "--node-name", "n2", "--namespace", "a",
        "--namespace", "b", "--sync-interval", "1h30m", "--flavor", "rke2", "--leader-election=false",
        "--metrics-port", "9100", "--dir", "/tmp").config(POD, null);
    assertThat(c.nodeName()).isEqualTo("n2");
    assertThat(c.namespaces()).containsExactlyInAnyOrder("a", "b");
    assertThat(c.operatorNamespace()).as("Leases stay in the pod's namespace").isEqualTo("etcd-snapshot");
    assertThat(c.syncInterval()).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.flavor()).isEqualTo(Flavor.RKE2);
    assertThat(c.leaderElection()).isFalse();
    assertThat(c.metricsPort()).isEqualTo(9100);
    assertThat(c.createSnapshotDir()).isFalse();
  }

  @Test
  void theServiceAccountNamespaceFileIsTheFallback(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("namespace");
    Files.writeString(file, "kube-system\n");
    PodEnvironment env = new PodEnvironment(Map.of("NODE_NAME", "n"), file);
    assertThat(parse().config(env, "default").namespaces()).containsExactly("kube-system");
  }

  @Test
  void theTokenFileDefaultsToTheFlavorsAndAGivenOneMustExist(@TempDir Path tmp) throws Exception {
    OperatorConfig k3s = parse("--endpoints", "http://127.0.0.1:2379").config(POD, null);
    assertThat(k3s.tokenFile().path()).isEqualTo(Path.of("/var/lib/rancher/k3s/server/token"));
    assertThat(k3s.tokenFile().required()).as("a node without the file records no hash").isFalse();
    OperatorConfig rke2 = parse("--flavor", "rke2").config(POD, null);
    assertThat(rke2.tokenFile().path()).isEqualTo(Path.of("/var/lib/rancher/rke2/server/token"));
    assertThat(parse("--token-file=").config(POD, null).tokenFile().path()).as("none, e.g. kubeadm").isNull();

    Path token = Files.writeString(tmp.resolve("token"), "K10::server:s3cr3t-p4ss\n");
    OperatorConfig given = parse("--token-file", token.toString()).config(POD, null);
    assertThat(given.tokenFile().required()).isTrue();
    assertThat(given.tokenFile().fingerprint().hash()).contains("9f3c8c498b93");
    assertThatThrownBy(() -> parse("--token-file", tmp.resolve("nope").toString()).config(POD, null))
        .hasMessageStartingWith("--token-file ");
  }

  @Test
  void badValuesNameTheirFlag() {
    assertThatThrownBy(() -> parse("--sync-interval", "10x").config(POD, null))
        .hasMessageStartingWith("--sync-interval ");
    assertThatThrownBy(() -> parse("--sync-interval", "0s").config(POD, null))
        .hasMessage("--sync-interval must be greater than 0s");
    assertThatThrownBy(() -> parse("--flavor", "k8s").config(POD, null)).hasMessageContaining("--flavor");
    assertThatThrownBy(() -> parse("--namespace", "Bad_NS").config(POD, null)).hasMessageContaining("--namespace");
    assertThatThrownBy(() -> parse("--metrics-port", "70000").config(POD, null))
        .hasMessageContaining("--metrics-port");
    PodEnvironment nowhere = new PodEnvironment(Map.of("NODE_NAME", "n"), Path.of("/nonexistent"));
    assertThatThrownBy(() -> parse().config(nowhere, null)).hasMessageContaining("--namespace is required");
  }

  @Test
  void isASubcommandOfTheTopCommand() {
    StringWriter out = new StringWriter();
    int code = Cli.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "operator", "--help");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("--namespace", "--sync-interval", "--flavor", "--leader-election",
        "--metrics-port", "--node-name", "--endpoints", "--dir");
  }
}

package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.config.TokenFile;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server token's fingerprint on what a save creates (k3s-compat §3): the local and the S3 ETCDSnapshotFile
 * carry the annotation, the S3 object the user metadata, and a rotated token file is read by the next save. The
 * expected hashes come from {@code printf %s <password> | sha256sum | cut -c1-12}.
 */
@EnableKubernetesMockClient(crud = true)
class TokenHashIT {

  private static final String ANNOTATION = "etcd.k3s.cattle.io/snapshot-token-hash";
  private static final String CA = "0123456789abcdef".repeat(4);

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;
  static S3Server s3;
  static LogCapture logs;
  @TempDir static Path tmp;
  static Path token;

  @BeforeAll
  static void start() throws Exception {
    harness = new OperatorHarness(client, server, Clock.systemUTC());
    EtcdCluster etcd = harness.etcd(1);
    s3 = harness.s3("tok");
    token = Files.writeString(tmp.resolve("token"), "K10" + CA + "::server:s3cr3t-p4ss\n");
    logs = LogCapture.start();
    harness.start(new OperatorConfig("node-t", "node-t-pod", Set.of(OperatorHarness.NS), OperatorHarness.NS,
        EtcdConnectionSettings.of(etcd.member(0).clientUrl()), harness.newDir("node-t"), false,
        Duration.ofSeconds(1), Flavor.K3S, true, 0, OperatorHarness.FAST,
        TokenFile.fromFlag("--token-file", token.toString(), TokenFile.defaultPath(Flavor.K3S))));
    client.resource(new SecretBuilder().withNewMetadata().withName("etcd-s3").withNamespace(OperatorHarness.NS)
        .endMetadata().withStringData(s3.secret("tok")).build()).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (logs != null) {
      logs.close();
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void savedObjectsAndS3ObjectsCarryTheFingerprintOfTheCurrentToken() throws Exception {
    NodeSnapshotResult first = snapshot("tok-one");
    assertThat(annotations(first)).as("local and S3 object").hasSize(2).containsOnly("9f3c8c498b93");
    assertThat(s3.client().headObject(h -> h.bucket("tok").key(first.getSnapshotName())).metadata())
        .containsEntry("k3s-token-hash", "9f3c8c498b93");

    // `k3s token rotate` rewrites the file; the next save fingerprints the new token without a restart.
    Files.writeString(token, "K10" + CA + "::server:password\n");
    NodeSnapshotResult second = snapshot("tok-two");
    assertThat(annotations(second)).hasSize(2).containsOnly("5e884898da28");
    assertThat(s3.client().headObject(h -> h.bucket("tok").key(second.getSnapshotName())).metadata())
        .containsEntry("k3s-token-hash", "5e884898da28");

    assertThat(logs.text()).doesNotContain("s3cr3t-p4ss", CA);
  }

  private static NodeSnapshotResult snapshot(String name) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setS3(OperatorHarness.s3Spec("etcd-s3"));
    harness.request(name, spec);
    EtcdSnapshotRequest done = harness.finished(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    return done.getStatus().getResults().get(0);
  }

  private static java.util.List<String> annotations(NodeSnapshotResult result) {
    return result.getSnapshotFiles().stream()
        .map(n -> client.resources(EtcdSnapshotFile.class).withName(n).get())
        .map(f -> f.getMetadata().getAnnotations() == null ? null : f.getMetadata().getAnnotations().get(ANNOTATION))
        .toList();
  }
}

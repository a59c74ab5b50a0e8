package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.model.SnapshotVerification;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** verify: content end to end: an agent proves what it saved against its member and records it on the object. */
@EnableKubernetesMockClient(crud = true)
class ContentVerifyIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static OperatorHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new OperatorHarness(client, server, Clock.systemUTC());
    etcd = harness.etcd(1);
    etcd.loadKeys(200, 512);
    harness.startAgent("node-a", etcd.member(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static EtcdSnapshotRequest run(String name, SnapshotVerification verify) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setVerify(verify);
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    client.resource(r).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(name).getStatus())
        .isNotNull().extracting(s -> s.getPhase()).isEqualTo(RequestPhase.SUCCEEDED));
    return get(name);
  }

  private static EtcdSnapshotRequest get(String name) {
    return client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  private static Map<String, String> annotations(EtcdSnapshotRequest done) {
    String object = done.getStatus().getResults().get(0).getSnapshotFiles().get(0);
    EtcdSnapshotFile file = client.resources(EtcdSnapshotFile.class).withName(object).get();
    return file.getMetadata().getAnnotations();
  }

  @Test
  void byDefaultTheSavedSnapshotIsProvenAndTheProofRecordedOnItsObject() throws Exception {
    EtcdSnapshotRequest done = run("proven", null);

    Map<String, String> annotations = annotations(done);
    assertThat(annotations).containsKeys(SnapshotLabels.REVISION_ANNOTATION, SnapshotLabels.KV_HASH_ANNOTATION,
        SnapshotLabels.VERIFIED_AT_ANNOTATION);
    long revision = Long.parseLong(annotations.get(SnapshotLabels.REVISION_ANNOTATION));
    String json = etcd.member(0).etcdctl("endpoint", "hashkv", "--rev", Long.toString(revision), "-w", "json");
    int at = json.indexOf("\"hash\":") + 7;
    assertThat(annotations.get(SnapshotLabels.KV_HASH_ANNOTATION))
        .isEqualTo(String.format("%08x", Long.parseLong(json.substring(at, json.indexOf(',', at)))));

    var http = java.net.http.HttpClient.newHttpClient();
    String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + harness.runtime(0).httpPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("etcd_snapshot_last_content_verified_timestamp_seconds{node=\"node-a\"}")
        .contains("etcd_snapshot_content_verifications_total{node=\"node-a\",outcome=\"verified\"}");
  }

  @Test
  void verifyTrailerSkipsTheProof() {
    EtcdSnapshotRequest done = run("trailer-only", SnapshotVerification.TRAILER);

    assertThat(annotations(done)).doesNotContainKeys(SnapshotLabels.REVISION_ANNOTATION,
        SnapshotLabels.KV_HASH_ANNOTATION, SnapshotLabels.VERIFIED_AT_ANNOTATION);
  }
}

package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests end to end: two agents (nodes) with their own etcd members, one mock API server. */
@EnableKubernetesMockClient(crud = true)
class RequestIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcdA;
  static EtcdCluster etcdB;
  static OperatorHarness harness;
  static Path dirA;
  static Path dirB;

  @BeforeAll
  static void start() throws Exception {
    // Two independent single-member clusters: each agent snapshots "its" member, as on separate nodes.
    harness = new OperatorHarness(client, server, Clock.systemUTC());
    etcdA = harness.etcd(1);
    etcdB = harness.etcd(1);
    dirA = harness.startAgent("node-a", etcdA.member(0));
    dirB = harness.startAgent("node-b", etcdB.member(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static EtcdSnapshotRequest request(String name, EtcdSnapshotRequestSpec spec) {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    return r;
  }

  static EtcdSnapshotRequest get(String name) {
    return client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  @Test
  void aRequestTakesOneSnapshotOnEveryLiveNode() throws Exception {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName("before-upgrade");
    client.resource(request("before-upgrade", spec)).create();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("before-upgrade").getStatus())
        .as(() -> client.getKubernetesSerialization().asYaml(get("before-upgrade")))
        .isNotNull().extracting(s -> s.getPhase()).isEqualTo(RequestPhase.SUCCEEDED));

    EtcdSnapshotRequest done = get("before-upgrade");
    assertThat(done.getStatus().getProgress()).isEqualTo("2/2");
    assertThat(done.getStatus().getStartTime()).isNotNull();
    assertThat(done.getStatus().getCompletionTime()).isNotNull();
    List<NodeSnapshotResult> results = done.getStatus().getResults();
    assertThat(results).extracting(NodeSnapshotResult::getNode).containsExactly("node-a", "node-b");
    assertThat(results).allSatisfy(r -> {
      assertThat(r.getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
      assertThat(r.getSnapshotName()).matches("before-upgrade-" + r.getNode() + "-\\d{10}");
      assertThat(r.getSnapshotFiles()).singleElement().asString().startsWith("local-before-upgrade-" + r.getNode());
    });
    assertThat(OperatorHarness.files(dirA)).containsExactly(results.get(0).getSnapshotName());
    assertThat(OperatorHarness.files(dirB)).containsExactly(results.get(1).getSnapshotName());

    EtcdSnapshotFile objectA = client.resources(EtcdSnapshotFile.class)
        .withName(results.get(0).getSnapshotFiles().get(0)).get();
    assertThat(objectA.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(objectA.getSpec().getLocation()).isEqualTo("file://" + dirA.toRealPath() + "/"
        + results.get(0).getSnapshotName());
    assertThat(objectA.getStatus().getReadyToUse()).isTrue();
    assertThat(harness.events("default", "ETCDSnapshotCreated")).extracting(e -> e.getInvolvedObject().getName())
        .contains(results.get(0).getSnapshotFiles().get(0), results.get(1).getSnapshotFiles().get(0));
    assertThat(harness.events(OperatorHarness.NS, "SnapshotTaken"))
        .filteredOn(e -> "before-upgrade".equals(e.getInvolvedObject().getName())).hasSize(2);
    assertThat(harness.events(OperatorHarness.NS, "RequestSucceeded"))
        .filteredOn(e -> "before-upgrade".equals(e.getInvolvedObject().getName())).hasSize(1);

    // The metrics endpoint shows the save, its size and JOSDK's own reconciler metrics.
    var http = java.net.http.HttpClient.newHttpClient();
    String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + harness.runtime(0).httpPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics)
        .contains("etcd_snapshot_save_duration_seconds_count{phase=\"on-demand\",status=\"success\",storage=\"local\"}")
        .contains("etcd_snapshot_size_bytes_count{node=\"node-a\",storage=\"local\"}")
        .contains("etcd_snapshot_last_success_timestamp_seconds{node=\"node-a\",storage=\"local\"}")
        .contains("etcd_snapshot_sync_duration_seconds_count{status=\"success\",storage=\"local\"}")
        .contains("operator_sdk_");
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + harness.runtime(0).httpPort() + "/readyz")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    // Applying the request again, even with a changed spec (a new generation, so the agents do reconcile it),
    // changes nothing: no new snapshot, the same status.
    var statusBefore = done.getStatus();
    EtcdSnapshotRequest changed = client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS)
        .withName("before-upgrade").edit(r -> {
          r.getSpec().setCompress(true);
          return r;
        });
    assertThat(changed.getMetadata().getGeneration()).isGreaterThan(done.getMetadata().getGeneration());
    harness.awaitReconciledAfter(changed, changed.getMetadata().getResourceVersion());
    assertThat(OperatorHarness.files(dirA)).hasSize(1);
    assertThat(OperatorHarness.files(dirB)).hasSize(1);
    assertThat(OperatorHarness.files(dirA)).noneMatch(f -> f.endsWith(".zip"));
    assertThat(get("before-upgrade").getStatus()).isEqualTo(statusBefore);
  }

  @Test
  void aSelectedNodeWithoutALiveAgentIsReportedNotWaitedFor() {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setNodes(List.of("node-a", "node-gone"));
    client.resource(request("with-gone-node", spec)).create();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("with-gone-node").getStatus())
        .isNotNull().extracting(s -> s.getPhase()).isEqualTo(RequestPhase.FAILED));
    var status = get("with-gone-node").getStatus();
    assertThat(status.getResults()).extracting(NodeSnapshotResult::getNode, NodeSnapshotResult::getPhase)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("node-a", RequestPhase.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("node-gone", RequestPhase.FAILED));
    assertThat(status.getResults().get(1).getMessage())
        .isEqualTo("no live agent on node node-gone (its Lease is missing or expired); not waited for");
    assertThat(status.getProgress()).isEqualTo("2/2");
    assertThat(status.getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Failed");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getMessage()).contains("node-gone");
    });
    assertThat(harness.events(OperatorHarness.NS, "NodeUnavailable"))
        .filteredOn(e -> "with-gone-node".equals(e.getInvolvedObject().getName())).hasSize(1);
    assertThat(harness.events(OperatorHarness.NS, "RequestFailed"))
        .filteredOn(e -> "with-gone-node".equals(e.getInvolvedObject().getName())).hasSize(1);
  }

  @Test
  void aFinishedRequestIsDeletedAfterItsTtl() throws Exception {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setNodes(List.of("node-b"));
    spec.setTtlSecondsAfterFinished(0);
    spec.setName("short-lived");
    client.resource(request("short-lived", spec)).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> get("short-lived") == null);
    assertThat(OperatorHarness.files(dirB)).anyMatch(f -> f.startsWith("short-lived-node-b-"));
    assertThat(OperatorHarness.files(dirA)).noneMatch(f -> f.startsWith("short-lived-"));
  }
}

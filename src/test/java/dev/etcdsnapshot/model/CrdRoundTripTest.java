package dev.etcdsnapshot.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed CRDs load into the API server and one object of each kind survives a write and a read. */
@EnableKubernetesMockClient(crud = true)
class CrdRoundTripTest {

  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    TestCrds.create(client);
  }

  @Test
  void etcdSnapshotFileKeepsSpecAndStatusThroughCreateAndUpdate() {
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName("etcd-snapshot-node1-1700000000");
    spec.setNodeName("node1");
    spec.setLocation("s3://etcd/k3s/etcd-snapshot-node1-1700000000");
    spec.setMetadata(Map.of("team", "infra"));
    EtcdSnapshotS3 s3 = new EtcdSnapshotS3();
    s3.setBucket("etcd");
    s3.setPrefix("k3s");
    s3.setEndpoint("minio:9000");
    spec.setS3(s3);
    EtcdSnapshotFileStatus status = new EtcdSnapshotFileStatus();
    status.setReadyToUse(true);
    status.setCreationTime("2023-11-14T22:13:20Z");
    status.setSize(new Quantity("5062688"));
    EtcdSnapshotFile file = new EtcdSnapshotFile("s3-etcd-snapshot-node1-1700000000-abcdef", spec, status);

    client.resource(file).create();
    EtcdSnapshotFile read = client.resources(EtcdSnapshotFile.class).withName(file.getMetadata().getName()).get();
    assertThat(read.getMetadata().getNamespace()).isNull();
    assertThat(read.getSpec()).isEqualTo(spec);
    assertThat(read.getStatus()).isEqualTo(status);
    assertThat(client.resources(EtcdSnapshotFile.class).withName(read.getMetadata().getName()).get().getStatus()
            .getSize().toString()).isEqualTo("5062688");

    // No status subresource: a status change travels with an ordinary update of the object.
    read.getStatus().setReadyToUse(false);
    client.resource(read).update();
    assertThat(client.resources(EtcdSnapshotFile.class).withName(read.getMetadata().getName()).get().getStatus()
            .getReadyToUse()).isFalse();
  }

  @Test
  void scheduleRoundTripsWithStatus() {
    EtcdSnapshotSchedule schedule = new EtcdSnapshotSchedule();
    schedule.setMetadata(meta("twice-daily"));
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("0 */12 * * *");
    spec.setTimeZone("Europe/Berlin");
    spec.setRetention(5);
    spec.setCompress(true);
    spec.setNodes(List.of("node1"));
    SnapshotS3Spec s3 = new SnapshotS3Spec();
    SecretRef secret = new SecretRef();
    secret.setName("etcd-s3");
    s3.setSecretRef(secret);
    s3.setRetention(10);
    s3.setRetentionScope(S3RetentionScope.CLUSTER);
    s3.setBucketLookup(BucketLookup.PATH);
    spec.setS3(s3);
    spec.setDeletionPolicy(DeletionPolicy.DELETE);
    schedule.setSpec(spec);
    client.resource(schedule).create();

    EtcdSnapshotSchedule read = client.resources(EtcdSnapshotSchedule.class).inNamespace("ns1").withName("twice-daily").get();
    assertThat(read.getSpec()).isEqualTo(spec);
    EtcdSnapshotScheduleStatus status = new EtcdSnapshotScheduleStatus();
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Valid").build()));
    status.setNextScheduleTime("2026-11-22T12:00:00Z");
    status.setObservedGeneration(1L);
    read.setStatus(status);
    client.resource(read).updateStatus();
    assertThat(client.resources(EtcdSnapshotSchedule.class).inNamespace("ns1").withName("twice-daily").get().getStatus())
        .isEqualTo(status);
  }

  @Test
  void requestRoundTripsWithStatus() {
    EtcdSnapshotRequest request = new EtcdSnapshotRequest();
    request.setMetadata(meta("before-upgrade"));
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName("pre-upgrade");
    NameRef ref = new NameRef();
    ref.setName("twice-daily");
    spec.setScheduleRef(ref);
    spec.setTtlSecondsAfterFinished(3600);
    request.setSpec(spec);
    client.resource(request).create();

    EtcdSnapshotRequest read = client.resources(EtcdSnapshotRequest.class).inNamespace("ns1").withName("before-upgrade").get();
    assertThat(read.getSpec()).isEqualTo(spec);
    NodeSnapshotResult result = new NodeSnapshotResult();
    result.setNode("node1");
    result.setPhase(RequestPhase.SUCCEEDED);
    result.setSnapshotName("pre-upgrade-node1-1700000000");
    result.setSnapshotFiles(List.of("local-pre-upgrade-node1-1700000000-abcdef"));
    EtcdSnapshotRequestStatus status = new EtcdSnapshotRequestStatus();
    status.setPhase(RequestPhase.SUCCEEDED);
    status.setProgress("1/1");
    status.setResults(List.of(result));
    status.setStartTime("2026-11-22T12:00:00Z");
    status.setCompletionTime("2026-11-22T12:00:05Z");
    read.setStatus(status);
    client.resource(read).updateStatus();
    EtcdSnapshotRequest again = client.resources(EtcdSnapshotRequest.class).inNamespace("ns1").withName("before-upgrade").get();
    assertThat(again.getStatus()).isEqualTo(status);
    assertThat(client.resources(EtcdSnapshotRequest.class).inNamespace("other").list().getItems()).isEmpty();
  }

  private static ObjectMeta meta(String name) {
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace("ns1");
    return m;
  }
}

package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.NameRef;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Coexisting with k3s loses nothing: k3s's reconcile deletes the ETCDSnapshotFile objects of its node whose file it
 * does not see, with a plain delete from its own client. With {@code deletionPolicy: Delete} such a deletion keeps
 * every file and S3 object, and the objects come back; the user's deletion, marked with
 * {@code etcdsnapshot.dev/delete-data=true}, still removes the data.
 */
@EnableKubernetesMockClient(crud = true)
class K3sCoexistenceIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static S3Server s3;
  static OperatorHarness harness;
  static Path dir;
  /** k3s's supervisor: another client of the same API server. */
  static KubernetesClient k3s;

  @BeforeAll
  static void start() throws Exception {
    k3s = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    harness = new OperatorHarness(client, server, new MutableClock(Instant.now()));
    etcd = harness.etcd(1);
    s3 = harness.s3("coexist");
    dir = harness.startAgent("node-k", etcd.member(0));
    client.resource(OperatorHarness.secret("etcd-s3", s3.secret("coexist"))).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (k3s != null) {
      k3s.close();
    }
  }

  @Test
  void k3sDeletingOurObjectsKeepsEveryFileAndObjectAndTheUsersMarkedDeletionRemovesThem() throws Exception {
    EtcdSnapshotScheduleSpec scheduleSpec = new EtcdSnapshotScheduleSpec();
    scheduleSpec.setSchedule("0 0 1 1 *");
    scheduleSpec.setSuspend(true);
    scheduleSpec.setName("coexist"); // objects the syncs re-create take the policy of the schedule of their prefix
    scheduleSpec.setDeletionPolicy(DeletionPolicy.DELETE);
    scheduleSpec.setS3(OperatorHarness.s3Spec("etcd-s3"));
    harness.schedule("deleting", scheduleSpec);
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName("coexist");
    NameRef ref = new NameRef();
    ref.setName("deleting");
    spec.setScheduleRef(ref);
    harness.request("coexist", spec);
    EtcdSnapshotRequest done = harness.finished("coexist");
    assertThat(done.getStatus().getPhase()).as(done.getStatus().toString()).isEqualTo(RequestPhase.SUCCEEDED);
    String file = done.getStatus().getResults().get(0).getSnapshotName();
    byte[] bytes = Files.readAllBytes(dir.resolve(file));
    List<String> names = done.getStatus().getResults().get(0).getSnapshotFiles();
    assertThat(names).hasSize(2);
    for (String name : names) {
      assertThat(client.resources(EtcdSnapshotFile.class).withName(name).get().getMetadata().getFinalizers())
          .contains(SnapshotLabels.FINALIZER);
    }

    // k3s's reconcile: it does not see our file in its directory, nor our object in its bucket, and deletes both
    // objects, as it does after any `k3s etcd-snapshot save`.
    for (String name : names) {
      k3s.resources(EtcdSnapshotFile.class).withName(name).delete();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.events("default",
        "ETCDSnapshotDataKept")).extracting(e -> e.getInvolvedObject().getName()).containsAll(names));
    assertThat(dir.resolve(file)).as("the local file survives").exists();
    assertThat(Files.readAllBytes(dir.resolve(file))).isEqualTo(bytes);
    assertThat(keys()).as("the S3 object survives").contains(file);
    assertThat(s3.client().getObjectAsBytes(b -> b.bucket("coexist").key(file)).asByteArray()).isEqualTo(bytes);
    // The syncs bring both objects back under the same names (storage is the truth).
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String name : names) {
        EtcdSnapshotFile back = client.resources(EtcdSnapshotFile.class).withName(name).get();
        assertThat(back).as(name).isNotNull();
        assertThat(back.getMetadata().getDeletionTimestamp()).isNull();
      }
    });

    // The user's deletion: the mark, then the delete. Now the data goes with each object.
    for (String name : names) {
      client.resources(EtcdSnapshotFile.class).withName(name).edit(o -> {
        o.getMetadata().getAnnotations().put(SnapshotLabels.DELETE_DATA_ANNOTATION, "true");
        return o;
      });
      client.resources(EtcdSnapshotFile.class).withName(name).delete();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(dir.resolve(file)).as("the local file went with its object").doesNotExist();
      assertThat(keys()).as("the S3 object went with its object").doesNotContain(file);
      for (String name : names) {
        assertThat(client.resources(EtcdSnapshotFile.class).withName(name).get()).as(name).isNull();
      }
    });
  }

  static List<String> keys() {
    return s3.client().listObjectsV2(b -> b.bucket("coexist")).contents().stream().map(S3Object::key).toList();
  }
}

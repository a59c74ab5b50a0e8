package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * A failed upload is retried: S3 is down when the schedule's slot runs, so the local snapshot is kept with a
 * failure record and counted as pending in the schedule's status and metrics; when S3 is back, the agent uploads
 * it again, the object's bytes are the snapshot's, the S3 ETCDSnapshotFile is ready and the failure record gone.
 */
@EnableKubernetesMockClient(crud = true)
class UploadRetryIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static S3Server s3;
  static OperatorHarness harness;
  static MutableClock clock;
  static Path dir;
  static OperatorRuntime runtime;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1);
    s3 = harness.s3("retry");
    dir = harness.newDir("node-r");
    runtime = harness.startAgent("node-r", "node-r-pod", etcd.member(0), dir, Duration.ofSeconds(1));
    client.resource(OperatorHarness.secret("etcd-s3", s3.secret("retry"))).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void anUploadThatFailedWhileS3WasDownArrivesOnceS3IsBack() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("*/5 * * * *");
    spec.setName("retried");
    spec.setS3(OperatorHarness.s3Spec("etcd-s3"));
    harness.schedule("retried", spec);
    Instant slot = CronSchedule.parse("*/5 * * * *", "UTC").nextAfter(clock.instant()).get();

    s3.stop();
    clock.set(slot.plusSeconds(1));
    ScheduleNodeStatus failed = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> entry(), e -> "Failed".equals(e.getPhase()) && e.getPendingUploads() != null);
    String file = ScheduleIT.filesWith(dir, "retried").get(0);
    assertThat(failed.getMessage()).contains("failed to upload snapshot " + file);
    assertThat(failed.getPendingUploads().getCount()).isEqualTo(1);
    assertThat(failed.getPendingUploads().getOldestSnapshot()).isEqualTo(file);
    assertThat(failed.getPendingUploads().getOldest()).isEqualTo(slot.plusSeconds(1).toString()); // taken then
    assertThat(failureRecords(file)).as("the failed upload's record, as today").hasSize(1);
    assertThat(readyS3Objects(file)).as("no S3 object is published before the copy is there").isEmpty();
    clock.advance(Duration.ofSeconds(15));
    assertThat(metric("etcd_snapshot_pending_uploads")).isEqualTo(1.0);
    assertThat(metric("etcd_snapshot_pending_uploads_oldest_age_seconds")).isEqualTo(15.0);

    // S3 still down when the first retry is due (30 s): it fails again, the backoff doubles, nothing is lost.
    clock.advance(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(30)).until(() -> failureRecords(file).stream().anyMatch(r ->
        Instant.parse(r.getStatus().getError().getTime()).isAfter(slot.plusSeconds(30))));
    assertThat(entry().getPendingUploads().getCount()).isEqualTo(1);

    s3.restart();
    clock.advance(Duration.ofSeconds(61));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(keys()).contains(file);
      assertThat(readyS3Objects(file)).as("the S3 record is ready").hasSize(1);
      assertThat(failureRecords(file)).as("the failure record was replaced").isEmpty();
      assertThat(entry().getPendingUploads()).as("nothing pending").isNull();
    });
    byte[] stored = s3.client().getObjectAsBytes(b -> b.bucket("retry").key(file)).asByteArray();
    assertThat(stored).as("the stored bytes are the snapshot").isEqualTo(Files.readAllBytes(dir.resolve(file)));
    assertThat(metric("etcd_snapshot_pending_uploads")).isEqualTo(0.0);
    assertThat(metric("etcd_snapshot_pending_uploads_oldest_age_seconds")).isEqualTo(0.0);
  }

  static ScheduleNodeStatus entry() {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("retried").get()
        .getStatus().getNodes().stream().filter(e -> "node-r".equals(e.getNode())).findFirst().orElseThrow();
  }

  static List<EtcdSnapshotFile> failureRecords(String file) {
    return harness.objects("s3").stream().filter(o -> file.equals(o.getSpec().getSnapshotName()))
        .filter(o -> o.getStatus() != null && o.getStatus().getError() != null).toList();
  }

  static List<EtcdSnapshotFile> readyS3Objects(String file) {
    return harness.objects("s3").stream().filter(o -> file.equals(o.getSpec().getSnapshotName()))
        .filter(o -> o.getStatus() != null && Boolean.TRUE.equals(o.getStatus().getReadyToUse())).toList();
  }

  static List<String> keys() {
    return s3.client().listObjectsV2(b -> b.bucket("retry")).contents().stream().map(S3Object::key).toList();
  }

  /** The value of the schedule's series on this node, from the agent's /metrics. */
  static double metric(String name) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + runtime.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(name + "{") && l.contains("schedule=\"retried\"")
            && l.contains("node=\"node-r\""))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not exported:\n" + body));
  }
}

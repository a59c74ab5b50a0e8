package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.NameRef;
import dev.etcdsnapshot.model.SecretRef;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.status.Conditions;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 Secret: read on every operation, watched, and reported by key when it cannot be used. */
@EnableKubernetesMockClient(crud = true)
class S3IT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static S3Server s3;
  static OperatorHarness harness;
  static Path dir;
  static MutableClock clock;
  /** Where k3s keeps its S3 Secret (k3s-io/k3s pkg/etcd/s3/config_secret.go, --etcd-s3-config-secret). */
  static final String K3S_SECRET = "k3s-etcd-snapshot-s3-config";

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1);
    s3 = harness.s3("one", "two", "three");
    dir = harness.startAgent("node-s", etcd.member(0), new dev.etcdsnapshot.config.OperatorConfig.K3sCompat(
        "k3s-supervisor", java.util.Set.of(K3S_SECRET), true));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static Secret secret(String name, Map<String, String> data) {
    return OperatorHarness.secret(name, data);
  }

  static SnapshotS3Spec s3(String secretName) {
    return OperatorHarness.s3Spec(secretName);
  }

  static EtcdSnapshotRequest request(String name, String secretName) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setS3(s3(secretName));
    return harness.request(name, spec);
  }

  static EtcdSnapshotRequest finished(String name) {
    return harness.finished(name);
  }

  static List<String> keys(String bucket) {
    return s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  @Test
  void aRotatedSecretIsUsedByTheNextSnapshotWithoutRestart() {
    client.resource(secret("etcd-s3", s3.secret("one"))).create();
    EtcdSnapshotRequest first = finished(request("first", "etcd-s3").getMetadata().getName());
    assertThat(first.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    String file1 = first.getStatus().getResults().get(0).getSnapshotName();
    assertThat(keys("one")).contains(file1);
    assertThat(first.getStatus().getResults().get(0).getSnapshotFiles())
        .anyMatch(n -> n.startsWith("local-first-node-s-")).anyMatch(n -> n.startsWith("s3-first-node-s-"));
    EtcdSnapshotFile s3Object = client.resources(EtcdSnapshotFile.class).withName(
        first.getStatus().getResults().get(0).getSnapshotFiles().stream().filter(n -> n.startsWith("s3-"))
            .findFirst().orElseThrow()).get();
    assertThat(s3Object.getSpec().getS3().getBucket()).isEqualTo("one");
    assertThat(s3Object.getMetadata().getLabels()).containsEntry("etcd.k3s.cattle.io/snapshot-storage-node", "s3");

    client.resource(secret("etcd-s3", s3.secret("two"))).update();
    EtcdSnapshotRequest second = finished(request("second", "etcd-s3").getMetadata().getName());
    assertThat(second.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    String file2 = second.getStatus().getResults().get(0).getSnapshotName();
    assertThat(keys("two")).contains(file2);
    assertThat(keys("one")).doesNotContain(file2);
  }

  @Test
  void aMissingOrInvalidSecretIsNamedAndLocalSnapshotsGoOn() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setS3(s3("not-yet"));
    EtcdSnapshotSchedule schedule = new EtcdSnapshotSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("with-s3").withNamespace(OperatorHarness.NS).build());
    schedule.setSpec(spec);
    client.resource(schedule).create();

    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(ready("with-s3"))
        .satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo("S3SecretInvalid");
          assertThat(c.getMessage()).startsWith("Secret snap/not-yet (spec.s3.secretRef) does not exist");
        }));
    assertThat(harness.events(OperatorHarness.NS, "S3SecretInvalid"))
        .filteredOn(e -> "with-s3".equals(e.getInvolvedObject().getName())).isNotEmpty();

    // A Secret without a bucket: the key is named, no value shows up anywhere.
    Map<String, String> noBucket = new java.util.HashMap<>(s3.secret("one"));
    noBucket.remove("etcd-s3-bucket");
    client.resource(secret("not-yet", noBucket)).create();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ready("with-s3").getMessage())
        .contains("S3 Secret not-yet").contains("etcd-s3-bucket"));
    String everything = client.getKubernetesSerialization().asYaml(client.resources(EtcdSnapshotSchedule.class)
        .inNamespace(OperatorHarness.NS).list()) + client.getKubernetesSerialization().asYaml(
        client.v1().events().inNamespace(OperatorHarness.NS).list());
    assertThat(everything).doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY);

    // Fixing the Secret is noticed at once through the watch: Ready again without any change to the schedule.
    client.resource(secret("not-yet", s3.secret("one"))).update();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ready("with-s3").getStatus())
        .isEqualTo("True"));

    // The leader's S3 sync (on the interval, per schedule with S3) adds objects found in the bucket and removes
    // the objects of deleted ones (after the 1 minute grace for fresh objects, so an old one is used here).
    String found = "found-node-x-1700000000";
    s3.client().putObject(b -> b.bucket("one").key(found), software.amazon.awssdk.core.sync.RequestBody.fromString(
        "not really a snapshot, but storage is the truth"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.objects("s3"))
        .anySatisfy(o -> {
          assertThat(o.getSpec().getSnapshotName()).isEqualTo(found);
          assertThat(o.getSpec().getS3().getBucket()).isEqualTo("one");
          assertThat(o.getMetadata().getName()).startsWith("s3-found-node-x-1700000000-");
        }));
    s3.client().deleteObject(b -> b.bucket("one").key(found));
    clock.advance(Duration.ofMinutes(2));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(harness.objects("s3"))
        .noneMatch(o -> found.equals(o.getSpec().getSnapshotName())));

    // A request whose Secret is missing still saves locally; it fails for the S3 part and says why.
    EtcdSnapshotRequest local = finished(request("local-only", "missing").getMetadata().getName());
    assertThat(local.getStatus().getPhase()).isEqualTo(RequestPhase.FAILED);
    var result = local.getStatus().getResults().get(0);
    assertThat(result.getMessage()).contains("S3 copy not attempted").contains("Secret snap/missing");
    assertThat(OperatorHarness.files(dir)).anyMatch(f -> f.equals(result.getSnapshotName()));
    assertThat(result.getSnapshotFiles()).anyMatch(n -> n.startsWith("local-local-only-node-s-"));
    // k3s pkg/etcd/snapshot.go: an S3 client that cannot be built is a failure record of node s3, empty location.
    String record = result.getSnapshotFiles().stream().filter(n -> n.startsWith("s3-")).findFirst().orElseThrow();
    assertThat(client.resources(EtcdSnapshotFile.class).withName(record).get()).satisfies(o -> {
      assertThat(o.getSpec().getNodeName()).isEqualTo("s3");
      assertThat(o.getSpec().getLocation()).isEmpty();
      assertThat(o.getSpec().getSnapshotName()).isEqualTo(result.getSnapshotName());
      assertThat(o.getStatus().getReadyToUse()).isFalse();
      assertThat(o.getStatus().getError().getMessage())
          .startsWith("failed to initialize S3 client: Secret snap/missing (spec.s3.secretRef) does not exist");
      assertThat(o.getStatus().getError().getTime()).isEqualTo(o.getStatus().getCreationTime());
    });
    assertThat(harness.events("default", "ETCDSnapshotFailed")).anySatisfy(e -> {
      assertThat(e.getInvolvedObject().getName()).isEqualTo(record);
      assertThat(e.getSource().getComponent()).as("--event-component").isEqualTo("k3s-supervisor");
    });
  }

  /**
   * k3s keeps its S3 Secret in kube-system (pkg/etcd/s3/config_secret.go); a schedule or request elsewhere may name
   * it, and a change of it is noticed through the watch as for a Secret of the schedule's own namespace.
   */
  @Test
  void theKubeSystemSecretOfK3sIsUsedAndWatched() throws Exception {
    Secret k3sSecret = secret(K3S_SECRET, s3.secret("three"));
    k3sSecret.getMetadata().setNamespace("kube-system");
    client.resource(k3sSecret).create();
    SnapshotS3Spec inKubeSystem = s3(K3S_SECRET);
    inKubeSystem.getSecretRef().setNamespace("kube-system");

    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName("from-kube-system");
    spec.setS3(inKubeSystem);
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("from-kube-system").withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    client.resource(r).create();
    EtcdSnapshotRequest done = finished("from-kube-system");
    assertThat(done.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    assertThat(keys("three")).contains(done.getStatus().getResults().get(0).getSnapshotName());

    EtcdSnapshotScheduleSpec scheduleSpec = new EtcdSnapshotScheduleSpec();
    scheduleSpec.setSuspend(true);
    scheduleSpec.setS3(inKubeSystem);
    EtcdSnapshotSchedule schedule = new EtcdSnapshotSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("k3s-secret").withNamespace(OperatorHarness.NS).build());
    schedule.setSpec(scheduleSpec);
    client.resource(schedule).create();
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(ready("k3s-secret")
        .getStatus()).isEqualTo("True"));
    Map<String, String> broken = new java.util.HashMap<>(s3.secret("three"));
    broken.remove("etcd-s3-bucket");
    Secret brokenSecret = secret(K3S_SECRET, broken);
    brokenSecret.getMetadata().setNamespace("kube-system");
    client.resource(brokenSecret).update();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ready("k3s-secret").getMessage())
        .contains("etcd-s3-bucket"));

    SnapshotS3Spec notAllowed = s3("someone-elses");
    notAllowed.getSecretRef().setNamespace("kube-system");
    schedule = client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("k3s-secret")
        .get();
    schedule.getSpec().setS3(notAllowed);
    client.resource(schedule).update();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ready("k3s-secret").getMessage())
        .contains("Secret kube-system/someone-elses is not one the operator may read"));
  }

  @Test
  void theSecretsRetentionAppliesWhenTheScheduleSetsNoneAndTheSchedulesWins() throws Exception {
    clock.set(Instant.now()); // in step with the API server's creation timestamp, whatever other tests did
    Map<String, String> data = new java.util.HashMap<>(s3.secret("one"));
    data.put("etcd-s3-folder", "kept");
    data.put("etcd-s3-retention", "1");
    client.resource(secret("keep-one", data)).create();
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("*/5 * * * *");
    spec.setName("kept");
    spec.setS3(s3("keep-one"));
    EtcdSnapshotSchedule schedule = new EtcdSnapshotSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("kept").withNamespace(OperatorHarness.NS).build());
    schedule.setSpec(spec);
    client.resource(schedule).create();
    assertThat(client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("kept").get()
        .getSpec().getS3().getRetention()).as("the CRD gives s3.retention no default").isNull();

    var cron = dev.etcdsnapshot.operator.schedule.CronSchedule.parse("*/5 * * * *", "UTC");
    Instant slot = cron.nextAfter(clock.instant()).get();
    for (int run = 1; run <= 3; run++) {
      if (run == 3) {
        EtcdSnapshotSchedule edited = client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS)
            .withName("kept").edit(s -> {
              s.getSpec().getS3().setRetention(2);
              return s;
            });
        // The slot must run on the edited spec: wait until the agent has seen it before moving the clock.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(client.resources(
            EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("kept").get().getStatus()
            .getObservedGeneration()).isEqualTo(edited.getMetadata().getGeneration()));
      }
      Instant current = slot;
      clock.set(current.plusSeconds(1));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
          client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("kept").get()
              .getStatus().getNodes()).singleElement().satisfies(e -> {
                assertThat(e.getLastScheduleTime()).isEqualTo(current.toString());
                assertThat(e.getPhase()).isEqualTo("Succeeded");
              }));
      assertThat(keys("one")).filteredOn(k -> k.startsWith("kept/kept-"))
          .as("after run %d: the Secret's etcd-s3-retention 1, then the schedule's own s3.retention 2", run)
          .hasSize(run < 3 ? 1 : 2);
      slot = cron.nextAfter(current).get();
    }
    client.resource(client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName("kept")
        .get()).delete();
  }

  @Test
  void aStoreUsedOnlyByARequestIsSyncedAndItsFailureRecordsExpire() throws Exception {
    client.resource(secret("creds-only", s3.secret("one"))).create();
    // The bucket is inline and no schedule names it: only the request's settings reach it.
    SnapshotS3Spec inline = s3("creds-only");
    inline.setBucket("three");
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName("inline");
    spec.setS3(inline);
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("inline").withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    client.resource(r).create();
    assertThat(finished("inline").getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);

    // An object put there by someone else gets an ETCDSnapshotFile on the leader's sync interval...
    String found = "found-node-y-1700000000";
    s3.client().putObject(b -> b.bucket("three").key(found),
        software.amazon.awssdk.core.sync.RequestBody.fromString("storage is the truth"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.objects("s3"))
        .anySatisfy(o -> {
          assertThat(o.getSpec().getSnapshotName()).isEqualTo(found);
          assertThat(o.getSpec().getS3().getBucket()).isEqualTo("three");
        }));

    // ... and a failure record of that store expires 24 hours after its error.
    EtcdSnapshotFile failure = harness.objects("s3").stream()
        .filter(o -> found.equals(o.getSpec().getSnapshotName())).findFirst().orElseThrow();
    EtcdSnapshotFile record = new EtcdSnapshotFile();
    record.setMetadata(new ObjectMetaBuilder().withName("s3-inline-node-s-1700000001-abcdef")
        .withLabels(failure.getMetadata().getLabels()).build());
    var recordSpec = client.getKubernetesSerialization().clone(failure.getSpec());
    recordSpec.setSnapshotName("inline-node-s-1700000001");
    recordSpec.setLocation("");
    record.setSpec(recordSpec);
    var st = new dev.etcdsnapshot.model.EtcdSnapshotFileStatus();
    st.setReadyToUse(false);
    st.setSize(new io.fabric8.kubernetes.api.model.Quantity("0"));
    var error = new dev.etcdsnapshot.model.EtcdSnapshotError();
    error.setTime(clock.instant().toString());
    error.setMessage("upload failed");
    st.setError(error);
    record.setStatus(st);
    client.resource(record).create();
    // A later sync of the same store: it publishes an object put there after the record, and would have expired
    // the record in the same pass.
    String later = "later-node-y-1700000002";
    s3.client().putObject(b -> b.bucket("three").key(later),
        software.amazon.awssdk.core.sync.RequestBody.fromString("found by a later sync"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.objects("s3"))
        .anyMatch(o -> later.equals(o.getSpec().getSnapshotName())));
    assertThat(client.resource(record).get()).as("younger than 24 hours: kept").isNotNull();

    s3.client().deleteObject(b -> b.bucket("three").key(found));
    s3.client().deleteObject(b -> b.bucket("three").key(later));
    clock.advance(Duration.ofHours(25));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(client.resource(record).get()).as("the failure record expired").isNull();
      assertThat(harness.objects("s3")).noneMatch(o -> found.equals(o.getSpec().getSnapshotName()));
      assertThat(harness.objects("s3")).noneMatch(o -> later.equals(o.getSpec().getSnapshotName()));
    });
    assertThat(harness.objects("s3")).as("the request's own S3 snapshot stays")
        .anyMatch(o -> o.getSpec().getSnapshotName().startsWith("inline-node-s-")
            && "three".equals(o.getSpec().getS3().getBucket()) && Boolean.TRUE.equals(o.getStatus().getReadyToUse()));
  }

  static Condition ready(String schedule) {
    return Conditions.find(client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS)
        .withName(schedule).get().getStatus().getConditions(), "Ready").orElseThrow();
  }
}

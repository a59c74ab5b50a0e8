package dev.etcdsnapshot.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory against the API server (fabric8 mock, CRUD mode, our CRDs loaded); each test uses its own nodes. */
@EnableKubernetesMockClient(crud = true)
class SnapshotInventoryTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  static final String LABEL = "etcd.k3s.cattle.io/snapshot-storage-node";
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  MutableClock clock;
  SnapshotInventory inventory;
  final S3StoreIdentity store = new S3StoreIdentity("minio:9000", null, false, "etcd", null, "us-east-1", "k3s", false);

  @BeforeAll
  static void crds() {
    TestCrds.create(client);
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    inventory = new SnapshotInventory(client, new SnapshotFileProjection(Flavor.K3S),
        new SnapshotEvents(client, clock, "test-host"), clock, DeletionPolicyLookup.retainAll());
  }

  static StoredSnapshot local(String node, String file) {
    return new StoredSnapshot(file, StorageKind.LOCAL, "file:///snapshots/" + file, 1000, T0.minusSeconds(60), node, null, Map.of());
  }

  static StoredSnapshot s3(String uploader, String file) {
    return new StoredSnapshot(file, StorageKind.S3, "s3://etcd/k3s/" + file, 1000, T0.minusSeconds(60), uploader, "0123456789ab", Map.of());
  }

  static List<EtcdSnapshotFile> objects(String storageNode) {
    return client.resources(EtcdSnapshotFile.class).withLabel(LABEL, storageNode).list().getItems();
  }

  static List<String> names(String storageNode) {
    return objects(storageNode).stream().map(f -> f.getMetadata().getName()).sorted().toList();
  }

  /** "type reason message" of the Events about objects whose name contains {@code part}. */
  static List<String> events(String part) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().contains(part))
        .map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .collect(Collectors.toList());
  }

  @Test
  void saveCreatesObjectsWithCreatedEvents() {
    StoredSnapshot file = local("save-a", "etcd-snapshot-save-a-1700000000");
    StoredSnapshot object = s3("save-a", "etcd-snapshot-save-a-1700000000");
    List<String> names = inventory.recordSave(
        new SaveResult(file.fileName(), List.of(file, object), List.of(), List.of()),
        ProjectionContext.save("save-a", store, "abcdefabcdef", DeletionPolicy.RETAIN));

    EtcdSnapshotFile local = objects("save-a").get(0);
    EtcdSnapshotFile remote = objects("s3").stream()
        .filter(f -> f.getSpec().getSnapshotName().contains("save-a")).findFirst().orElseThrow();
    assertThat(names).containsExactly(local.getMetadata().getName(), remote.getMetadata().getName());
    assertThat(local.getMetadata().getAnnotations()).containsEntry("etcd.k3s.cattle.io/snapshot-token-hash", "abcdefabcdef");
    assertThat(local.getStatus().getReadyToUse()).isTrue();
    assertThat(local.getStatus().getSize().toString()).isEqualTo("1k");
    assertThat(objects("s3").stream().filter(f -> f.getSpec().getSnapshotName().contains("save-a"))).hasSize(1);
    assertThat(events("save-a")).containsExactlyInAnyOrder(
        "Normal ETCDSnapshotCreated Snapshot etcd-snapshot-save-a-1700000000 saved on save-a",
        "Normal ETCDSnapshotCreated Snapshot etcd-snapshot-save-a-1700000000 saved on save-a");

    Event event = client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(local.getMetadata().getName())).findFirst().orElseThrow();
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ETCDSnapshotFile");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("k3s.cattle.io/v1");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(local.getMetadata().getUid());
    assertThat(event.getSource().getComponent()).isEqualTo("etcd-snapshot-operator");
    assertThat(event.getSource().getHost()).isEqualTo("test-host");
  }

  @Test
  void failedSaveLeavesAFailureRecordAndAWarning() {
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.SAVE, StorageKind.LOCAL,
        "etcd-snapshot-fail-a-1700000000", "", T0, "etcd member unavailable");
    inventory.recordSave(new SaveResult(failure.fileName(), List.of(), List.of(), List.of(failure)),
        ProjectionContext.save("fail-a", null, null, DeletionPolicy.RETAIN));

    EtcdSnapshotFile record = objects("fail-a").get(0);
    assertThat(record.getSpec().getLocation()).isEmpty();
    assertThat(record.getStatus().getReadyToUse()).isFalse();
    assertThat(record.getStatus().getSize().toString()).isEqualTo("0");
    assertThat(record.getStatus().getError().getMessage()).isEqualTo("etcd member unavailable");
    assertThat(record.getStatus().getError().getTime()).isEqualTo(T0.toString());
    assertThat(events("fail-a")).containsExactly(
        "Warning ETCDSnapshotFailed Failed to save snapshot etcd-snapshot-fail-a-1700000000 on fail-a: etcd member unavailable");
  }

  @Test
  void failedRetentionIsAWarningOnTheNode() {
    SnapshotFailure local = new SnapshotFailure(SnapshotFailure.Stage.RETENTION, StorageKind.LOCAL, "f", "", T0, "permission denied");
    SnapshotFailure remote = new SnapshotFailure(SnapshotFailure.Stage.RETENTION, StorageKind.S3, "f", "", T0, "access denied");
    StoredSnapshot file = local("ret-a", "etcd-snapshot-ret-a-1700000000");
    inventory.recordSave(new SaveResult(file.fileName(), List.of(file), List.of(), List.of(local, remote)),
        ProjectionContext.save("ret-a", store, null, DeletionPolicy.RETAIN));

    List<Event> onNode = client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "Node".equals(e.getInvolvedObject().getKind()) && "ret-a".equals(e.getInvolvedObject().getName()))
        .toList();
    assertThat(onNode).extracting(e -> e.getType() + " " + e.getReason() + " " + e.getMessage()).containsExactlyInAnyOrder(
        "Warning ETCDSnapshotRetentionFailedLocal Failed to apply local snapshot retention policy: permission denied",
        "Warning ETCDSnapshotRetentionFailedS3 Failed to apply S3 snapshot retention policy: access denied");
    assertThat(onNode).allSatisfy(e -> assertThat(e.getInvolvedObject().getUid()).isEqualTo("ret-a"));
    assertThat(objects("ret-a")).hasSize(1);
  }

  /** k3s pkg/etcd/snapshot.go: "Failed to apply local snapshot retention policy: <err>", the prefix once. */
  @Test
  void retentionEventCarriesK3sPrefixOnceForAnEngineFailure() {
    SnapshotFailure engineFailure = new SnapshotFailure(SnapshotFailure.Stage.RETENTION, StorageKind.LOCAL, "", "", T0,
        "failed to apply local snapshot retention policy: /snapshots: permission denied", "/snapshots: permission denied");
    StoredSnapshot file = local("ret-b", "etcd-snapshot-ret-b-1700000000");
    inventory.recordSave(new SaveResult(file.fileName(), List.of(file), List.of(), List.of(engineFailure)),
        ProjectionContext.save("ret-b", null, null, DeletionPolicy.RETAIN));

    assertThat(client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "Node".equals(e.getInvolvedObject().getKind()) && "ret-b".equals(e.getInvolvedObject().getName()))
        .map(Event::getMessage)).containsExactly("Failed to apply local snapshot retention policy: /snapshots: permission denied");
  }

  /** k3s pkg/util/api.go BuildControllerEventRecorder: component <program>-supervisor, host the node. */
  @Test
  void eventComponentIsConfigurable() {
    SnapshotInventory asK3s = new SnapshotInventory(client, new SnapshotFileProjection(Flavor.K3S),
        new SnapshotEvents(client, clock, "comp-a", "k3s-supervisor"), clock, DeletionPolicyLookup.retainAll());
    asK3s.syncLocal("comp-a", List.of(local("comp-a", "etcd-snapshot-comp-a-1700000000")));

    assertThat(client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getMessage().contains("etcd-snapshot-comp-a-1700000000")))
        .singleElement().satisfies(e -> {
          assertThat(e.getSource().getComponent()).isEqualTo("k3s-supervisor");
          assertThat(e.getSource().getHost()).isEqualTo("comp-a");
          assertThat(e.getReportingComponent()).isEqualTo("k3s-supervisor");
        });
  }

  /** k3s pkg/etcd/s3/s3.go lists an object whose HEAD failed without its uploader; we keep its object as it is. */
  @Test
  void anObjectListedWithoutItsUploaderKeepsItsObject() {
    S3StoreIdentity headless = new S3StoreIdentity("minio:9000", null, false, "etcd", null, "us-east-1", "head", false);
    StoredSnapshot known = new StoredSnapshot("etcd-snapshot-hd-a-1700000000", StorageKind.S3,
        "s3://etcd/head/etcd-snapshot-hd-a-1700000000", 1000, T0.minusSeconds(60), "hd-a", null, Map.of());
    inventory.syncS3(headless, List.of(known));
    String name = objects("s3").stream().filter(f -> f.getSpec().getSnapshotName().contains("hd-a")).findFirst()
        .orElseThrow().getMetadata().getName();
    clock.advance(Duration.ofMinutes(5));
    StoredSnapshot headFailed = new StoredSnapshot(known.fileName(), StorageKind.S3, known.location(), 1000,
        T0.minusSeconds(60), null, null, Map.of());

    SyncReport report = inventory.syncS3(headless, List.of(headFailed));

    assertThat(report.created()).isZero();
    assertThat(report.deleted()).isZero();
    assertThat(objects("s3").stream().filter(f -> f.getSpec().getSnapshotName().contains("hd-a"))
        .map(f -> f.getMetadata().getName())).containsExactly(name);
  }

  /** An object as k3s writes it (pkg/etcd/snapshot/types.go ToETCDSnapshotFile): no annotation of ours. */
  static EtcdSnapshotFile k3sObject(String node, String file, String size) {
    StoredSnapshot s = local(node, file);
    EtcdSnapshotFile f = new SnapshotFileProjection(Flavor.K3S).project(s,
        new ProjectionContext(node, null, null, DeletionPolicy.RETAIN));
    f.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("etcd.k3s.cattle.io/snapshot-token-hash", "k3s0k3s0k3s0")));
    f.getMetadata().setFinalizers(List.of(SnapshotLabels.K3S_FINALIZER));
    f.getStatus().setSize(new io.fabric8.kubernetes.api.model.Quantity(size));
    return client.resource(f).create();
  }

  /** k3s pkg/etcd/snapshot.go reconcileSnapshotData never updates an object that matches storage. */
  @Test
  void anObjectK3sCreatedIsNotRewrittenWhileInSync() {
    EtcdSnapshotFile k3s = k3sObject("k3s-a", "etcd-snapshot-k3s-a-1700000000", "1000");

    SyncReport report = inventory.syncLocal("k3s-a", List.of(local("k3s-a", "etcd-snapshot-k3s-a-1700000000")));

    assertThat(report.updated()).isZero();
    EtcdSnapshotFile after = objects("k3s-a").get(0);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(k3s.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getAnnotations()).containsOnlyKeys("etcd.k3s.cattle.io/snapshot-token-hash");
    assertThat(after.getStatus().getSize().toString()).as("k3s's own spelling kept").isEqualTo("1000");
  }

  @Test
  void anObjectK3sCreatedIsCorrectedFromStorageWithoutOurKeys() {
    k3sObject("k3s-b", "etcd-snapshot-k3s-b-1700000000", "999");

    SyncReport report = inventory.syncLocal("k3s-b", List.of(local("k3s-b", "etcd-snapshot-k3s-b-1700000000")));

    assertThat(report.updated()).isEqualTo(1);
    EtcdSnapshotFile after = objects("k3s-b").get(0);
    assertThat(after.getStatus().getSize().toString()).isEqualTo("1k");
    assertThat(after.getMetadata().getAnnotations()).containsOnlyKeys("etcd.k3s.cattle.io/snapshot-token-hash");
    assertThat(after.getMetadata().getFinalizers()).containsExactly(SnapshotLabels.K3S_FINALIZER);
  }

  @Test
  void prunedSnapshotsLoseTheirObjects() {
    StoredSnapshot old = local("prune-a", "etcd-snapshot-prune-a-1600000000");
    inventory.syncLocal("prune-a", List.of(old));
    StoredSnapshot fresh = local("prune-a", "etcd-snapshot-prune-a-1700000000");
    inventory.recordSave(new SaveResult(fresh.fileName(), List.of(fresh), List.of(old), List.of()),
        ProjectionContext.save("prune-a", null, null, DeletionPolicy.DELETE));

    assertThat(objects("prune-a")).extracting(f -> f.getSpec().getSnapshotName()).containsExactly(fresh.fileName());
    assertThat(events("prune-a")).contains("Normal ETCDSnapshotDeleted Snapshot etcd-snapshot-prune-a-1600000000 deleted");
  }

  /**
   * Retention lists S3 without each object's uploader, whose name is part of the object's name: the pruned
   * snapshot's object is found by its location instead, whoever uploaded it.
   */
  @Test
  void prunedS3SnapshotsLoseTheirObjectsWithoutKnowingTheUploader() {
    StoredSnapshot other = s3("prune-other", "etcd-snapshot-prune-other-1600000000");
    StoredSnapshot kept = s3("prune-other", "etcd-snapshot-prune-other-1600000100");
    inventory.syncS3(store, List.of(other, kept));
    StoredSnapshot listed = new StoredSnapshot(other.fileName(), StorageKind.S3, other.location(), other.size(),
        other.createdAt(), null, null, Map.of());
    StoredSnapshot fresh = local("prune-b", "etcd-snapshot-prune-b-1700000000");

    inventory.recordSave(new SaveResult(fresh.fileName(), List.of(fresh), List.of(listed), List.of()),
        ProjectionContext.save("prune-b", store, null, DeletionPolicy.RETAIN));

    assertThat(objects("s3")).extracting(f -> f.getSpec().getSnapshotName()).filteredOn(n -> n.contains("prune-other"))
        .containsExactly(kept.fileName());
  }

  @Test
  void syncAddsFoundFilesAndRemovesGoneOnesOfItsNodeOnly() {
    inventory.syncLocal("sync-a", List.of(local("sync-a", "etcd-snapshot-sync-a-1"), local("sync-a", "etcd-snapshot-sync-a-2")));
    inventory.syncLocal("sync-b", List.of(local("sync-b", "etcd-snapshot-sync-b-1")));

    SyncReport report = inventory.syncLocal("sync-a",
        List.of(local("sync-a", "etcd-snapshot-sync-a-2"), local("sync-a", "etcd-snapshot-sync-a-3")));

    assertThat(report).isEqualTo(new SyncReport(1, 0, 1, 1, 0));
    assertThat(objects("sync-a")).extracting(f -> f.getSpec().getSnapshotName())
        .containsExactlyInAnyOrder("etcd-snapshot-sync-a-2", "etcd-snapshot-sync-a-3");
    assertThat(objects("sync-b")).hasSize(1);
    assertThat(events("sync-a")).contains(
        "Normal ETCDSnapshotCreated Snapshot etcd-snapshot-sync-a-3 saved on sync-a",
        "Normal ETCDSnapshotDeleted Snapshot etcd-snapshot-sync-a-1 deleted");
    assertThat(objects("sync-a")).allSatisfy(f ->
        assertThat(f.getMetadata().getAnnotations()).doesNotContainKey("etcd.k3s.cattle.io/snapshot-token-hash"));
  }

  @Test
  void failureRecordsExpireAfter24Hours() {
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.SAVE, StorageKind.LOCAL,
        "etcd-snapshot-ttl-a-1700000000", "", T0, "boom");
    inventory.recordSave(new SaveResult(failure.fileName(), List.of(), List.of(), List.of(failure)),
        ProjectionContext.save("ttl-a", null, null, DeletionPolicy.RETAIN));

    clock.advance(Duration.ofHours(23).plusMinutes(59));
    assertThat(inventory.syncLocal("ttl-a", List.of()).kept()).isEqualTo(1);
    assertThat(objects("ttl-a")).hasSize(1);

    clock.advance(Duration.ofMinutes(2));
    assertThat(inventory.syncLocal("ttl-a", List.of()).deleted()).isEqualTo(1);
    assertThat(objects("ttl-a")).isEmpty();
  }

  @Test
  void freshS3ObjectsGetAMinuteOfGraceAndOtherStoresAreLeftAlone() {
    S3StoreIdentity grace = new S3StoreIdentity("minio:9000", null, false, "etcd", null, null, "grace", false);
    S3StoreIdentity other = new S3StoreIdentity("minio:9000", null, false, "etcd", null, null, "other", false);
    StoredSnapshot snap = new StoredSnapshot("etcd-snapshot-grace-1", StorageKind.S3, "s3://etcd/grace/etcd-snapshot-grace-1",
        5, T0, "n1", null, Map.of());
    StoredSnapshot elsewhere = new StoredSnapshot("etcd-snapshot-grace-1", StorageKind.S3, "s3://etcd/other/etcd-snapshot-grace-1",
        5, T0, "n1", null, Map.of());
    inventory.syncS3(grace, List.of(snap));
    inventory.syncS3(other, List.of(elsewhere));
    // The mock API server stamps creationTimestamp with the real clock; ours starts at the real time too.
    clock.set(Instant.now());

    assertThat(inventory.syncS3(grace, List.of()).kept()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(inventory.syncS3(grace, List.of()).deleted()).isEqualTo(1);

    assertThat(objects("s3")).extracting(f -> f.getSpec().getLocation())
        .contains("s3://etcd/other/etcd-snapshot-grace-1")
        .doesNotContain("s3://etcd/grace/etcd-snapshot-grace-1");
  }

  @Test
  void anUnchangedListingCostsOneListAndNoWrite() {
    List<StoredSnapshot> listing = List.of(local("calm-a", "etcd-snapshot-calm-a-1"), local("calm-a", "etcd-snapshot-calm-a-2"));
    inventory.syncLocal("calm-a", listing);
    Map<String, String> versions = objects("calm-a").stream()
        .collect(Collectors.toMap(f -> f.getMetadata().getName(), f -> f.getMetadata().getResourceVersion()));
    int eventsBefore = events("calm-a").size();
    int requestsBefore = server.getRequestCount();

    SyncReport report = inventory.syncLocal("calm-a", listing);

    assertThat(server.getRequestCount() - requestsBefore).isEqualTo(1);
    assertThat(report).isEqualTo(new SyncReport(0, 0, 0, 2, 0));
    assertThat(objects("calm-a")).allSatisfy(f ->
        assertThat(f.getMetadata().getResourceVersion()).isEqualTo(versions.get(f.getMetadata().getName())));
    assertThat(events("calm-a")).hasSize(eventsBefore);
  }

  @Test
  void aChangedSnapshotIsUpdatedWithItsStatusAndNoEvent() {
    inventory.syncLocal("upd-a", List.of(local("upd-a", "etcd-snapshot-upd-a-1")));
    StoredSnapshot grown = new StoredSnapshot("etcd-snapshot-upd-a-1", StorageKind.LOCAL, "file:///snapshots/etcd-snapshot-upd-a-1",
        2000, T0.minusSeconds(60), "upd-a", null, Map.of("k", "v"));

    SyncReport report = inventory.syncLocal("upd-a", List.of(grown));

    assertThat(report.updated()).isEqualTo(1);
    EtcdSnapshotFile f = objects("upd-a").get(0);
    assertThat(f.getStatus().getSize().toString()).isEqualTo("2k");
    assertThat(f.getSpec().getMetadata()).containsEntry("k", "v");
    assertThat(events("upd-a")).hasSize(1);
  }

  @Test
  void aSyncNeverDeletesAnObjectBeingDeleted() {
    inventory.recordSave(new SaveResult("x", List.of(local("del-a", "etcd-snapshot-del-a-1")), List.of(), List.of()),
        ProjectionContext.save("del-a", null, null, DeletionPolicy.DELETE));
    client.resources(EtcdSnapshotFile.class).withName(objects("del-a").get(0).getMetadata().getName()).delete();

    SyncReport report = inventory.syncLocal("del-a", List.of());

    assertThat(report.kept()).isEqualTo(1);
    assertThat(objects("del-a")).singleElement().satisfies(f -> assertThat(f.getMetadata().getDeletionTimestamp()).isNotNull());
  }

  @Test
  void aFailedUploadIsAnS3FailureRecordTheStoreSyncKeepsFor24Hours() {
    S3StoreIdentity failing = new S3StoreIdentity("minio:9000", null, false, "etcd", null, null, "upload-fail", false);
    StoredSnapshot file = local("up-a", "etcd-snapshot-up-a-1700000000");
    SnapshotFailure upload = new SnapshotFailure(SnapshotFailure.Stage.UPLOAD, StorageKind.S3, file.fileName(),
        "s3://etcd/upload-fail/" + file.fileName(), T0, "503 Slow Down");
    inventory.recordSave(new SaveResult(file.fileName(), List.of(file), List.of(), List.of(upload)),
        ProjectionContext.save("up-a", failing, null, DeletionPolicy.RETAIN));

    assertThat(events("up-a")).contains(
        "Warning ETCDSnapshotFailed Failed to save snapshot etcd-snapshot-up-a-1700000000 on up-a: 503 Slow Down");
    clock.advance(Duration.ofHours(1));
    assertThat(inventory.syncS3(failing, List.of()).kept()).isEqualTo(1);
    clock.advance(Duration.ofHours(24));
    assertThat(inventory.syncS3(failing, List.of()).deleted()).isEqualTo(1);
    assertThat(objects("up-a")).as("the local snapshot is untouched").hasSize(1);
  }

  @Test
  void aListingWithoutTokenHashOrPolicyKeepsWhatTheSaveRecorded() {
    StoredSnapshot file = local("keep-a", "etcd-snapshot-keep-a-1700000000");
    inventory.recordSave(new SaveResult(file.fileName(), List.of(file), List.of(), List.of()),
        ProjectionContext.save("keep-a", null, "abcdefabcdef", DeletionPolicy.DELETE));
    String version = objects("keep-a").get(0).getMetadata().getResourceVersion();

    SyncReport report = inventory.syncLocal("keep-a", List.of(file));

    assertThat(report.unchanged()).isEqualTo(1);
    EtcdSnapshotFile f = objects("keep-a").get(0);
    assertThat(f.getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(f.getMetadata().getAnnotations())
        .containsEntry("etcd.k3s.cattle.io/snapshot-token-hash", "abcdefabcdef")
        .containsEntry("etcdsnapshot.dev/deletion-policy", "Delete");
    assertThat(f.getMetadata().getFinalizers()).containsExactly("etcdsnapshot.dev/snapshot-data");
  }

  @Test
  void aUserSwitchingAnObjectToDeleteGetsTheFinalizerAddedBySync() {
    StoredSnapshot file = local("flip-a", "etcd-snapshot-flip-a-1700000000");
    inventory.syncLocal("flip-a", List.of(file));
    EtcdSnapshotFile f = objects("flip-a").get(0);
    assertThat(f.getMetadata().getFinalizers()).isNullOrEmpty();
    f.getMetadata().getAnnotations().put("etcdsnapshot.dev/deletion-policy", "Delete");
    client.resource(f).update();

    assertThat(inventory.syncLocal("flip-a", List.of(file)).updated()).isEqualTo(1);

    assertThat(objects("flip-a").get(0).getMetadata().getFinalizers()).containsExactly("etcdsnapshot.dev/snapshot-data");
  }
}

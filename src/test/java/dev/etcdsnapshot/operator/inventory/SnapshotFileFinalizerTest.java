package dev.etcdsnapshot.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting ETCDSnapshotFile objects: Delete removes the data before the object when the deletion carries our mark,
 * a plain deletion (k3s's reconcile) and Retain never touch it.
 */
@EnableKubernetesMockClient(crud = true)
class SnapshotFileFinalizerTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  static final String LABEL = "etcd.k3s.cattle.io/snapshot-storage-node";
  final MutableClock clock = new MutableClock(Instant.now());
  final SnapshotEvents events = new SnapshotEvents(client, clock, "n1");
  SnapshotInventory inventory;
  /** What the deleter saw, and whether the object still carried our finalizer at that moment. */
  final List<String> deleted = new ArrayList<>();
  String failWith;

  final SnapshotDeleter deleter = data -> {
    EtcdSnapshotFile now = client.resources(EtcdSnapshotFile.class).list().getItems().stream()
        .filter(f -> f.getSpec().getSnapshotName().equals(data.fileName())).findFirst().orElse(null);
    boolean guarded = now != null && now.getMetadata().getFinalizers().contains(SnapshotLabels.FINALIZER);
    deleted.add(data.kind() + " " + data.storageNode() + " " + data.location() + " finalizer=" + guarded);
    if (failWith != null) {
      throw new IllegalStateException(failWith);
    }
  };
  SnapshotFileFinalizer finalizer;

  @BeforeEach
  void setUp() {
    if (client.apiextensions().v1().customResourceDefinitions().withName(EtcdSnapshotFile.CRD_NAME).get() == null) {
      TestCrds.create(client);
    }
    inventory = new SnapshotInventory(client, new SnapshotFileProjection(Flavor.K3S), events, clock,
        DeletionPolicyLookup.retainAll());
    finalizer = new SnapshotFileFinalizer(client, deleter, events, Flavor.K3S);
  }

  EtcdSnapshotFile save(String node, DeletionPolicy policy) {
    StoredSnapshot file = new StoredSnapshot("etcd-snapshot-" + node + "-1700000000", StorageKind.LOCAL,
        "file:///snapshots/etcd-snapshot-" + node + "-1700000000", 10, Instant.ofEpochSecond(1700000000), node, null, Map.of());
    inventory.recordSave(new SaveResult(file.fileName(), List.of(file), List.of(), List.of()),
        ProjectionContext.save(node, null, null, policy));
    return client.resources(EtcdSnapshotFile.class).withLabel(LABEL, node).list().getItems().get(0);
  }

  /** The user's deletion: the deletion mark first, then a plain delete. */
  EtcdSnapshotFile markDeleteAndReRead(EtcdSnapshotFile f) {
    client.resources(EtcdSnapshotFile.class).withName(f.getMetadata().getName())
        .edit(o -> {
          o.getMetadata().getAnnotations().put(SnapshotLabels.DELETE_DATA_ANNOTATION, "true");
          return o;
        });
    return deleteAndReRead(f);
  }

  /** A plain delete, as k3s's reconcile does for objects whose file it does not see. */
  EtcdSnapshotFile deleteAndReRead(EtcdSnapshotFile f) {
    client.resources(EtcdSnapshotFile.class).withName(f.getMetadata().getName()).delete();
    return client.resources(EtcdSnapshotFile.class).withName(f.getMetadata().getName()).get();
  }

  boolean exists(EtcdSnapshotFile f) {
    return client.resources(EtcdSnapshotFile.class).withName(f.getMetadata().getName()).get() != null;
  }

  List<String> reasons(EtcdSnapshotFile f) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(f.getMetadata().getName()))
        .map(e -> e.getReason() + " " + e.getMessage()).toList();
  }

  @Test
  void deletePolicyRemovesTheDataWhileTheFinalizerHoldsTheObject() {
    EtcdSnapshotFile f = save("del-1", DeletionPolicy.DELETE);
    EtcdSnapshotFile terminating = markDeleteAndReRead(f);
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.DATA_DELETED);

    assertThat(deleted).containsExactly("LOCAL del-1 file:///snapshots/etcd-snapshot-del-1-1700000000 finalizer=true");
    assertThat(exists(f)).isFalse();
    assertThat(reasons(f)).contains("ETCDSnapshotDeleted Snapshot etcd-snapshot-del-1-1700000000 deleted");
  }

  @Test
  void aPlainDeletionAsK3sReconcileMakesItKeepsTheDataAndSaysSo() {
    EtcdSnapshotFile f = save("k3s-1", DeletionPolicy.DELETE);
    EtcdSnapshotFile terminating = deleteAndReRead(f);
    assertThat(terminating.getMetadata().getDeletionTimestamp()).as("our finalizer holds it").isNotNull();

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.RELEASED_DATA_KEPT);

    assertThat(deleted).as("no data deleted").isEmpty();
    assertThat(exists(f)).isFalse();
    assertThat(reasons(f)).anySatisfy(r -> assertThat(r)
        .startsWith("ETCDSnapshotDataKept Snapshot etcd-snapshot-k3s-1-1700000000 kept: ")
        .contains("etcdsnapshot.dev/delete-data=true"));
  }

  @Test
  void aMarkOtherThanTrueDeletesNothing() {
    EtcdSnapshotFile f = save("mark-1", DeletionPolicy.DELETE);
    client.resources(EtcdSnapshotFile.class).withName(f.getMetadata().getName()).edit(o -> {
      o.getMetadata().getAnnotations().put(SnapshotLabels.DELETE_DATA_ANNOTATION, "yes");
      return o;
    });
    assertThat(finalizer.handleDeletion(deleteAndReRead(f))).isEqualTo(SnapshotFileFinalizer.Outcome.RELEASED_DATA_KEPT);
    assertThat(deleted).isEmpty();
  }

  @Test
  void retainObjectsHaveNoFinalizerAndGoWithoutTouchingData() {
    EtcdSnapshotFile f = save("ret-1", DeletionPolicy.RETAIN);
    assertThat(deleteAndReRead(f)).isNull();
    assertThat(deleted).isEmpty();

    // The sync brings it back while the file exists (k3s's behaviour).
    StoredSnapshot file = new StoredSnapshot(f.getSpec().getSnapshotName(), StorageKind.LOCAL, f.getSpec().getLocation(), 10,
        Instant.ofEpochSecond(1700000000), "ret-1", null, Map.of());
    assertThat(inventory.syncLocal("ret-1", List.of(file)).created()).isEqualTo(1);
  }

  @Test
  void anObjectSwitchedToRetainIsReleasedWithoutTouchingData() {
    EtcdSnapshotFile f = save("flip-1", DeletionPolicy.DELETE);
    f.getMetadata().getAnnotations().put(SnapshotLabels.DELETION_POLICY_ANNOTATION, "Retain");
    client.resource(f).update();
    EtcdSnapshotFile terminating = markDeleteAndReRead(f);

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.RELEASED_DATA_KEPT);

    assertThat(deleted).isEmpty();
    assertThat(exists(f)).isFalse();
  }

  @Test
  void aDeleterFailureKeepsTheObjectAndSaysWhy() {
    EtcdSnapshotFile f = save("fail-1", DeletionPolicy.DELETE);
    EtcdSnapshotFile terminating = markDeleteAndReRead(f);
    failWith = "s3: access denied";

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.FAILED);

    assertThat(exists(f)).isTrue();
    assertThat(reasons(f)).contains(
        "ETCDSnapshotDeleteFailed Failed to delete snapshot etcd-snapshot-fail-1-1700000000: s3: access denied");
    failWith = null;
    assertThat(finalizer.handleDeletion(client.resource(terminating).get())).isEqualTo(SnapshotFileFinalizer.Outcome.DATA_DELETED);
    assertThat(exists(f)).isFalse();
  }

  @Test
  void deletingTheCrdNeverDeletesData() {
    EtcdSnapshotFile f = save("crd-1", DeletionPolicy.DELETE);
    EtcdSnapshotFile terminating = markDeleteAndReRead(f);
    client.apiextensions().v1().customResourceDefinitions().withName(EtcdSnapshotFile.CRD_NAME).delete();

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.RELEASED_DATA_KEPT);

    assertThat(deleted).isEmpty();
  }

  @Test
  void localObjectsAreFinalizedByTheirNodeAndS3OnesByTheLeader() {
    EtcdSnapshotFile f = save("who-1", DeletionPolicy.DELETE);
    assertThat(SnapshotFileFinalizer.isResponsible(f, Flavor.K3S, "who-1", false)).isTrue();
    assertThat(SnapshotFileFinalizer.isResponsible(f, Flavor.K3S, "other", true)).isFalse();
    f.getSpec().setLocation("s3://etcd/k3s/x");
    f.getMetadata().getLabels().put(LABEL, "s3");
    assertThat(SnapshotFileFinalizer.isResponsible(f, Flavor.K3S, "who-1", false)).isFalse();
    assertThat(SnapshotFileFinalizer.isResponsible(f, Flavor.K3S, "other", true)).isTrue();
  }

  @Test
  void objectsNotBeingDeletedAreLeftAlone() {
    EtcdSnapshotFile f = save("idle-1", DeletionPolicy.DELETE);
    assertThat(finalizer.handleDeletion(f)).isEqualTo(SnapshotFileFinalizer.Outcome.NOT_APPLICABLE);
    assertThat(deleted).isEmpty();
    assertThat(exists(f)).isTrue();
  }

  @Test
  void whenTheCrdCannotBeReadNothingIsDeletedAndTheObjectStays() {
    EtcdSnapshotFile f = save("rbac-1", DeletionPolicy.DELETE);
    EtcdSnapshotFile terminating = markDeleteAndReRead(f);
    server.expect().get().withPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + EtcdSnapshotFile.CRD_NAME)
        .andReturn(403, "{}").once();

    assertThat(finalizer.handleDeletion(terminating)).isEqualTo(SnapshotFileFinalizer.Outcome.FAILED);

    assertThat(deleted).isEmpty();
    assertThat(exists(f)).isTrue();
    assertThat(reasons(f)).anySatisfy(r -> assertThat(r).startsWith("ETCDSnapshotDeleteFailed").contains("HTTP 403"));
  }
}

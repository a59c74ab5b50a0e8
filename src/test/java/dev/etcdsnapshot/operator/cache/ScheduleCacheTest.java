package dev.etcdsnapshot.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.operator.agent.SchedulePolicies;
import dev.etcdsnapshot.operator.request.RequestSettings;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The schedule cache against fabric8's mock API server (CRUD mode, with watches), as requests and syncs use it. */
@EnableKubernetesMockClient(crud = true)
class ScheduleCacheTest {

  static KubernetesClient client;

  @Test
  void aRequestTakesItsSchedulesSettingsFromTheCacheAndFromTheApiWhileTheCacheLacksIt() {
    create("cache-a", "nightly", true, DeletionPolicy.DELETE);
    ScheduleCache cache = ScheduleCache.start(client, Set.of("cache-a"));
    try {
      RequestSettings settings = RequestSettings.of(cache, request("cache-a", "nightly"));
      assertThat(settings.compress()).isTrue();
      assertThat(settings.deletionPolicy()).isEqualTo(DeletionPolicy.DELETE);
    } finally {
      cache.close();
    }
    // The informers are stopped: a schedule created now is in the API only, as one whose watch event is late.
    create("cache-a", "weekly", false, DeletionPolicy.RETAIN);
    assertThat(cache.all()).extracting(s -> s.getMetadata().getName()).containsExactly("nightly");
    assertThat(RequestSettings.of(cache, request("cache-a", "weekly")).deletionPolicy())
        .isEqualTo(DeletionPolicy.RETAIN);
    assertThatThrownBy(() -> RequestSettings.of(cache, request("cache-a", "absent")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.scheduleRef: ETCDSnapshotSchedule cache-a/absent does not exist");
  }

  @Test
  void aSyncedFileTakesTheDeletionPolicyOfTheScheduleItsNameStartsWithOnceTheCacheHasSeenIt() {
    ScheduleCache cache = ScheduleCache.start(client, Set.of("cache-b"));
    try {
      SchedulePolicies policies = new SchedulePolicies(cache);
      StoredSnapshot file = new StoredSnapshot("hourly-node-a-1700000000", StorageKind.LOCAL,
          "file:///snapshots/hourly-node-a-1700000000", 1000, Instant.parse("2023-11-14T22:13:20Z"), "node-a", null,
          Map.of());
      assertThat(policies.policyFor(file)).isEqualTo(DeletionPolicy.RETAIN);

      EtcdSnapshotSchedule hourly = create("cache-b", "hourly", false, DeletionPolicy.DELETE);
      hourly.getSpec().setName("hourly");
      client.resource(hourly).update();
      await().atMost(Duration.ofSeconds(10)).until(() -> policies.policyFor(file) == DeletionPolicy.DELETE);

      client.resource(hourly).delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> policies.policyFor(file) == DeletionPolicy.RETAIN);
    } finally {
      cache.close();
    }
  }

  @Test
  void aHandlerSeesTheSchedulesAlreadyCachedThenTheChangesAndNothingOnceRemoved() {
    create("cache-c", "first", false, DeletionPolicy.RETAIN);
    ScheduleCache cache = ScheduleCache.start(client, Set.of("cache-c"));
    try {
      List<String> seen = new CopyOnWriteArrayList<>();
      ResourceEventHandler<EtcdSnapshotSchedule> handler = new ResourceEventHandler<>() {
        @Override
        public void onAdd(EtcdSnapshotSchedule s) {
          seen.add("add " + s.getMetadata().getName());
        }

        @Override
        public void onUpdate(EtcdSnapshotSchedule old, EtcdSnapshotSchedule s) {}

        @Override
        public void onDelete(EtcdSnapshotSchedule s, boolean unknown) {
          seen.add("delete " + s.getMetadata().getName());
        }
      };
      cache.addHandler(handler);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("add first"));
      create("cache-c", "second", false, DeletionPolicy.RETAIN);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("add second"));

      cache.removeHandler(handler);
      client.resources(EtcdSnapshotSchedule.class).inNamespace("cache-c").withName("first").delete();
      create("cache-c", "third", false, DeletionPolicy.RETAIN);
      // The cache sees the third (the proof that the events were delivered), the removed handler does not.
      await().atMost(Duration.ofSeconds(10)).until(() -> cache.all().stream()
          .anyMatch(s -> s.getMetadata().getName().equals("third")));
      assertThat(seen).containsExactly("add first", "add second");
    } finally {
      cache.close();
    }
  }

  private static EtcdSnapshotSchedule create(String ns, String name, boolean compress, DeletionPolicy policy) {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("0 * * * *");
    spec.setCompress(compress);
    spec.setDeletionPolicy(policy);
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    s.setSpec(spec);
    return client.resource(s).create();
  }

  private static EtcdSnapshotRequest request(String ns, String schedule) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    var ref = new dev.etcdsnapshot.model.NameRef();
    ref.setName(schedule);
    spec.setScheduleRef(ref);
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("req").withNamespace(ns).build());
    r.setSpec(spec);
    return r;
  }
}

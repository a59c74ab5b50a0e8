package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.operator.inventory.DeletionPolicyLookup;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The deletion policy of a snapshot a sync finds: that of the schedule whose name prefix the file carries
 * ({@code <name>-<node>-<time>}), else Retain, the safe default.
 */
public final class SchedulePolicies implements DeletionPolicyLookup {

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private List<EtcdSnapshotSchedule> cached;
  private long listedAt;

  public SchedulePolicies(KubernetesClient client, Set<String> namespaces) {
    this.client = client;
    this.namespaces = namespaces;
  }

  @Override
  public DeletionPolicy policyFor(StoredSnapshot snapshot) {
    for (EtcdSnapshotSchedule s : schedules()) {
      var spec = s.getSpec();
      String prefix = spec == null || spec.getName() == null ? "etcd-snapshot" : spec.getName();
      if (snapshot.fileName().startsWith(prefix + "-") && spec != null && spec.getDeletionPolicy() != null) {
        return spec.getDeletionPolicy();
      }
    }
    return DeletionPolicy.RETAIN;
  }

  /** The schedules, listed at most once every few seconds: a sync asks once per file it finds. */
  private synchronized List<EtcdSnapshotSchedule> schedules() {
    long now = System.nanoTime();
    if (cached == null || now - listedAt > TimeUnit.SECONDS.toNanos(5)) {
      List<EtcdSnapshotSchedule> all = new ArrayList<>();
      for (String ns : namespaces) {
        all.addAll(client.resources(EtcdSnapshotSchedule.class).inNamespace(ns).list().getItems());
      }
      cached = all;
      listedAt = now;
    }
    return cached;
  }
}

package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.inventory.DeletionPolicyLookup;
import dev.etcdsnapshot.storage.StoredSnapshot;

/**
 * The deletion policy of a snapshot a sync finds: that of the schedule whose name prefix the file carries
 * ({@code <name>-<node>-<time>}), else Retain, the safe default. A sync asks once per file it finds, so the schedules
 * come from the informer cache.
 */
public final class SchedulePolicies implements DeletionPolicyLookup {

  private final ScheduleCache schedules;

  public SchedulePolicies(ScheduleCache schedules) {
    this.schedules = schedules;
  }

  @Override
  public DeletionPolicy policyFor(StoredSnapshot snapshot) {
    for (EtcdSnapshotSchedule s : schedules.all()) {
      var spec = s.getSpec();
      String prefix = spec == null || spec.getName() == null ? "etcd-snapshot" : spec.getName();
      if (snapshot.fileName().startsWith(prefix + "-") && spec != null && spec.getDeletionPolicy() != null) {
        return spec.getDeletionPolicy();
      }
    }
    return DeletionPolicy.RETAIN;
  }
}

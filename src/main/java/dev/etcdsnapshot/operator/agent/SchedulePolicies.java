package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
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
    return schedules.madeBy(snapshot.fileName()).map(EtcdSnapshotSchedule::getSpec)
        .map(EtcdSnapshotScheduleSpec::getDeletionPolicy).orElse(DeletionPolicy.RETAIN);
  }
}

package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.storage.StoredSnapshot;

/**
 * The deletion policy a sync gives an object it creates for a snapshot it found in storage (for example by the
 * name prefix of the schedule that made it). Objects created by a save get the saving schedule's policy instead,
 * and an existing object keeps the policy it was created with.
 */
@FunctionalInterface
public interface DeletionPolicyLookup {

  /** The policy for a newly found snapshot. */
  DeletionPolicy policyFor(StoredSnapshot snapshot);

  /** Retain for everything: k3s's behaviour, and the safe default. */
  static DeletionPolicyLookup retainAll() {
    return snapshot -> DeletionPolicy.RETAIN;
  }
}

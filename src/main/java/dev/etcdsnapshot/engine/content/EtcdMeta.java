package dev.etcdsnapshot.engine.content;

/**
 * The values of etcd's {@code meta} bucket that say where the snapshot stands.
 *
 * @param consistentIndex the raft index the backend had applied ({@code consistent_index}), -1 when absent
 * @param scheduledCompactRevision the last compaction asked for ({@code scheduledCompactRev}), -1 when none
 * @param finishedCompactRevision the last compaction done ({@code finishedCompactRev}), -1 when none
 */
public record EtcdMeta(long consistentIndex, long scheduledCompactRevision, long finishedCompactRevision) {

  /** The compaction revision etcd restores from this file: the scheduled one, which etcd finishes on start. */
  public long compactRevision() {
    return Math.max(scheduledCompactRevision, finishedCompactRevision);
  }
}

package dev.etcdsnapshot.engine;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One snapshot to take on this node.
 *
 * @param trigger what asked for the save; decides whether it prunes after itself ({@link SnapshotTrigger})
 * @param namePrefix the file name prefix ({@code etcd-snapshot} for schedules, {@code on-demand} by default)
 * @param compress whether to keep a single-entry zip instead of the raw file
 * @param localRetention snapshots with this prefix to keep in the directory; 0 prunes nothing (nor does a save whose
 *     trigger does not prune)
 * @param extraMetadata k3s's extra metadata, written as a sidecar when not empty
 * @param tokenHash the 12-hex server token hash to record, or {@code null}
 * @param clusterId the cluster identity to record in S3 metadata, or {@code null}
 * @param remote the S3 copy to make, if any
 */
public record SaveRequest(
    SnapshotTrigger trigger,
    String namePrefix,
    boolean compress,
    int localRetention,
    Map<String, String> extraMetadata,
    String tokenHash,
    String clusterId,
    Optional<RemoteCopy> remote) {

  public SaveRequest {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(namePrefix, "namePrefix");
    extraMetadata = extraMetadata == null ? Map.of() : Map.copyOf(extraMetadata);
    remote = remote == null ? Optional.empty() : remote;
    if (localRetention < 0) {
      throw new IllegalArgumentException("snapshot-retention must be 0 or more, got " + localRetention);
    }
  }

  /** An on-demand request: the prefix only, no compression, no pruning, no S3. */
  public static SaveRequest of(String namePrefix) {
    return new SaveRequest(SnapshotTrigger.ON_DEMAND, namePrefix, false, 0, Map.of(), null, null, Optional.empty());
  }

  /** Whether this save prunes after itself ({@link SnapshotTrigger#prunesAfterSave}). */
  public boolean prunesAfterSave() {
    return trigger.prunesAfterSave(namePrefix);
  }
}

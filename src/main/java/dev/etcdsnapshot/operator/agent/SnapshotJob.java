package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import dev.etcdsnapshot.model.SnapshotVerification;
import java.util.Objects;

/**
 * One snapshot an agent is asked to take on its node, from a schedule slot or a request.
 *
 * @param trigger scheduled or on-demand
 * @param namePrefix the file name prefix
 * @param compress zip the snapshot
 * @param localRetention local snapshots with the prefix to keep; 0 keeps all
 * @param namespace the namespace of the schedule or request (where the S3 Secret is)
 * @param s3 the S3 settings, or {@code null} for local only
 * @param deletionPolicy what deleting the resulting objects does
 * @param proveContent prove the saved snapshot against the live member ({@code verify: content})
 */
public record SnapshotJob(SnapshotTrigger trigger, String namePrefix, boolean compress, int localRetention,
    String namespace, SnapshotS3Spec s3, DeletionPolicy deletionPolicy, boolean proveContent) {

  /** A job with the default verification: the content is proven. */
  public SnapshotJob(SnapshotTrigger trigger, String namePrefix, boolean compress, int localRetention, String namespace,
      SnapshotS3Spec s3, DeletionPolicy deletionPolicy) {
    this(trigger, namePrefix, compress, localRetention, namespace, s3, deletionPolicy, true);
  }

  /** Whether {@code verify} asks for the content proof: unset means content, the default. */
  public static boolean provesContent(SnapshotVerification verify) {
    return verify != SnapshotVerification.TRAILER;
  }

  public SnapshotJob {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(namePrefix, "namePrefix");
    deletionPolicy = deletionPolicy == null ? DeletionPolicy.RETAIN : deletionPolicy;
  }
}

package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import java.util.List;
import java.util.Optional;

/** Publishes what a save did as ETCDSnapshotFile objects (and k3s Events); the directory sync runs on its own interval. */
public interface SnapshotPublisher {

  /**
   * Projects a save into ETCDSnapshotFile objects.
   *
   * @param node the node that saved
   * @param result what the save did
   * @param policy the deletion policy of the schedule or request that asked for it
   * @param s3 the S3 store's non-secret description, when an S3 copy was asked for
   * @return the names of the objects made for this save (snapshots and failure records)
   */
  List<String> published(String node, SaveResult result, DeletionPolicy policy, Optional<S3StoreIdentity> s3);
}

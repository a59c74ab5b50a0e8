package dev.etcdsnapshot.operator.leader;

import dev.etcdsnapshot.operator.s3.S3ConfigException;
import dev.etcdsnapshot.operator.s3.S3Source;
import dev.etcdsnapshot.operator.s3.S3Stores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work on the sync interval: every S3 store in use — by a schedule or only by a request's inline
 * {@code s3} — synced once (so its objects appear, disappear and its failure records expire), then the objects of
 * gone nodes removed. Each part's failure is logged and leaves the other alone.
 */
public final class LeaderSync {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderSync.class);

  private final S3Stores stores;
  private final S3SyncReconciler s3;
  private final GoneNodes goneNodes;

  public LeaderSync(S3Stores stores, S3SyncReconciler s3, GoneNodes goneNodes) {
    this.stores = stores;
    this.s3 = s3;
    this.goneNodes = goneNodes;
  }

  /** One round: the S3 stores, then the gone nodes. */
  public void run() {
    try {
      syncStores();
    } catch (RuntimeException e) {
      LOG.warn("S3 sync round failed: {}", e.getMessage());
    }
    try {
      Set<String> gone = goneNodes.cleanUp();
      if (!gone.isEmpty()) {
        LOG.info("Removed the objects of gone nodes {}", gone);
      }
    } catch (RuntimeException e) {
      LOG.warn("Clean-up of gone nodes failed: {}", e.getMessage());
    }
  }

  /**
   * Syncs each store in use once, with the first configuration that lists it.
   *
   * @return the keys of the stores synced
   */
  List<String> syncStores() {
    List<String> synced = new ArrayList<>();
    for (Map.Entry<String, List<S3Source>> store : stores.inUse().entrySet()) {
      for (S3Source source : store.getValue()) {
        try {
          if (s3.sync(source)) {
            synced.add(store.getKey());
            break;
          }
        } catch (S3ConfigException e) {
          // inUse() parsed it a moment ago; a Secret changed in between. The next configuration may do.
        }
      }
    }
    return synced;
  }
}

package dev.etcdsnapshot.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconciliations one operator process has finished, by controller and object: for each, how many and the
 * newest resourceVersion a finished one started from. Installed through JOSDK's {@link Metrics} callbacks (the
 * test seam of {@link OperatorRuntime}), it is the positive signal a test waits on before it asserts that
 * something did not happen: a reconcile that started from version V or later has seen that state and done all it
 * was going to do about it: it has claimed or refused the work, and a save it handed to the snapshot runner
 * ends with another reconcile of the same object, which a test waits for in turn.
 */
final class ReconcileLog implements Metrics {

  /** Finished reconciliations of one object by one controller. */
  record Seen(long count, long newestVersion) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    long version = version(resource.getMetadata().getResourceVersion());
    seen.merge(key(String.valueOf(metadata.get(Constants.CONTROLLER_NAME)), resource.getMetadata().getUid()),
        new Seen(1, version), (a, b) -> new Seen(a.count() + 1, Math.max(a.newestVersion(), b.newestVersion())));
  }

  /** What {@code controller} has finished for the object with {@code uid}; none yet is a count of 0. */
  Seen seen(String controller, String uid) {
    return seen.getOrDefault(key(controller, uid), new Seen(0, -1));
  }

  /**
   * The mock API server's resourceVersions are one increasing counter, so they compare as numbers (a real API
   * server's are opaque; this log is for tests on the mock only).
   */
  static long version(String resourceVersion) {
    return resourceVersion == null ? -1 : Long.parseLong(resourceVersion);
  }

  private static String key(String controller, String uid) {
    return controller + "/" + uid;
  }
}

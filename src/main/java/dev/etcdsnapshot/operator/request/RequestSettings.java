package dev.etcdsnapshot.operator.request;

import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import dev.etcdsnapshot.model.SnapshotVerification;
import dev.etcdsnapshot.operator.agent.SnapshotJob;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import java.util.List;

/**
 * The settings a request runs with: its own, or — with {@code scheduleRef} — the referenced schedule's compress,
 * nodes, s3 and deletionPolicy (the request's own {@code nodes} and {@code compress} win when set).
 *
 * @param prefix the file name prefix
 * @param compress zip the snapshot
 * @param nodes the selected nodes; empty means every node with a live agent
 * @param s3 the S3 settings, or {@code null}
 * @param deletionPolicy what deleting the resulting objects does
 * @param proveContent whether {@code verify} (the request's, else the schedule's) asks for the content proof
 */
public record RequestSettings(String prefix, boolean compress, List<String> nodes, SnapshotS3Spec s3,
    DeletionPolicy deletionPolicy, boolean proveContent) {

  /** The default file name prefix of on-demand snapshots. */
  public static final String DEFAULT_PREFIX = "on-demand";

  public RequestSettings {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /**
   * Resolves a request's settings; the referenced schedule comes from the cache (a miss is confirmed with a GET).
   *
   * @throws IllegalArgumentException naming {@code spec.scheduleRef} when the schedule does not exist
   */
  public static RequestSettings of(ScheduleCache schedules, EtcdSnapshotRequest request) {
    EtcdSnapshotRequestSpec spec = request.getSpec() == null ? new EtcdSnapshotRequestSpec() : request.getSpec();
    String prefix = spec.getName() == null ? DEFAULT_PREFIX : spec.getName();
    if (spec.getScheduleRef() == null) {
      return new RequestSettings(prefix, Boolean.TRUE.equals(spec.getCompress()), spec.getNodes(), spec.getS3(),
          DeletionPolicy.RETAIN, SnapshotJob.provesContent(spec.getVerify()));
    }
    String name = spec.getScheduleRef().getName();
    EtcdSnapshotSchedule schedule = schedules.find(request.getMetadata().getNamespace(), name).orElse(null);
    if (schedule == null || schedule.getSpec() == null) {
      throw new IllegalArgumentException("spec.scheduleRef: ETCDSnapshotSchedule " + request.getMetadata().getNamespace()
          + "/" + name + " does not exist");
    }
    var s = schedule.getSpec();
    boolean compress = spec.getCompress() != null ? spec.getCompress() : Boolean.TRUE.equals(s.getCompress());
    List<String> nodes = spec.getNodes() != null && !spec.getNodes().isEmpty() ? spec.getNodes() : s.getNodes();
    SnapshotVerification verify = spec.getVerify() != null ? spec.getVerify() : s.getVerify();
    return new RequestSettings(prefix, compress, nodes, s.getS3(), s.getDeletionPolicy(),
        SnapshotJob.provesContent(verify));
  }

  /** Whether the node takes part. */
  public boolean selects(String node) {
    return nodes.isEmpty() || nodes.contains(node);
  }

  /** The job an agent runs: a request has no retention of its own (the engine never prunes after it). */
  public SnapshotJob job(String namespace) {
    return new SnapshotJob(SnapshotTrigger.ON_DEMAND, prefix, compress, 0, namespace, s3, deletionPolicy, proveContent);
  }

  /** Whether the request's own {@code spec.nodes} selects the node (used when its scheduleRef cannot be read). */
  public static boolean selectsByOwnSpec(EtcdSnapshotRequest request, String node) {
    List<String> nodes = request.getSpec() == null ? null : request.getSpec().getNodes();
    return nodes == null || nodes.isEmpty() || nodes.contains(node);
  }
}

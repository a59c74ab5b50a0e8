package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.PendingUploadsStatus;
import dev.etcdsnapshot.operator.agent.SnapshotJob;
import dev.etcdsnapshot.operator.agent.UploadRetrier;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schedule's retried uploads on this node, as the schedule shows them: runs the {@link UploadRetrier} and writes
 * what is still pending into the node's status entry ({@code status.nodes[].pendingUploads}) and the
 * pending-upload gauges.
 */
final class ScheduleUploads {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleUploads.class);

  private final String node;
  private final UploadRetrier retrier;
  private final StatusWriter writer;
  private final SnapshotMetrics metrics;

  ScheduleUploads(String node, UploadRetrier retrier, StatusWriter writer, SnapshotMetrics metrics) {
    this.node = node;
    this.retrier = retrier;
    this.writer = writer;
    this.metrics = metrics;
  }

  /**
   * Checks (and retries) the schedule's pending uploads.
   *
   * @param force a run just ended: look at storage now
   * @return when to look again; empty when this check did nothing
   */
  Optional<Instant> check(EtcdSnapshotSchedule schedule, SnapshotJob job, boolean force, boolean suspended) {
    Optional<UploadRetrier.Report> report = retrier.check(schedule.getMetadata().getUid(), job, force);
    if (report.isEmpty()) {
      return Optional.empty();
    }
    List<StoredSnapshot> pending = report.get().pending();
    PendingUploadsStatus status = pending.isEmpty() ? null : new PendingUploadsStatus(pending.size(),
        pending.get(0).createdAt().toString(), pending.get(0).fileName());
    try {
      writer.update(schedule, s -> ScheduleNodeEntries.setPendingUploads(s, node, status));
    } catch (KubernetesClientException e) {
      LOG.warn("Writing the pending uploads of schedule {}/{} on node {} failed (HTTP {}); written at the next check",
          schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(), node, e.getCode());
    }
    if (!suspended) {
      metrics.pendingUploads(schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(), node,
          pending.size(), pending.stream().findFirst().map(StoredSnapshot::createdAt));
    }
    return Optional.of(report.get().nextCheck());
  }
}

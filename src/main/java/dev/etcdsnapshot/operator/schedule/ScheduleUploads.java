package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.PendingUploadsStatus;
import dev.etcdsnapshot.operator.agent.SnapshotJob;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.operator.agent.UploadRetrier;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schedule's retried uploads on this node, as the schedule shows them: runs the {@link UploadRetrier} and writes
 * what is still pending into the node's status entry ({@code status.nodes[].pendingUploads}) and the
 * pending-upload gauges. The uploads run on the {@link SnapshotRunner}'s threads, never on the reconcile thread.
 */
final class ScheduleUploads {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleUploads.class);

  private final String node;
  private final UploadRetrier retrier;
  private final StatusWriter writer;
  private final SnapshotMetrics metrics;
  private final SnapshotRunner runner;
  /** Schedules (by uid) with a check going. */
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  /** Schedules whose next check must look at storage whatever the backoff says (a run ended meanwhile). */
  private final Set<String> forceNext = ConcurrentHashMap.newKeySet();
  /** When to look again, per schedule, as the last check that looked at storage said. */
  private final Map<String, Instant> nextCheck = new ConcurrentHashMap<>();

  ScheduleUploads(String node, UploadRetrier retrier, SnapshotRunner runner, StatusWriter writer,
      SnapshotMetrics metrics) {
    this.runner = runner;
    this.node = node;
    this.retrier = retrier;
    this.writer = writer;
    this.metrics = metrics;
  }

  /**
   * Starts a check (and retry) of the schedule's pending uploads on the runner's threads, unless one is going;
   * {@code lookAgain} runs when a check that did something ends, so the reconcile re-plans its wait.
   *
   * @param force a run just ended: look at storage now (kept for the next check when one is going)
   * @return when to look again, as the last check that did something said; empty when none did
   */
  Optional<Instant> check(EtcdSnapshotSchedule schedule, SnapshotJob job, boolean force, boolean suspended,
      Runnable lookAgain) {
    String uid = schedule.getMetadata().getUid();
    if (force) {
      forceNext.add(uid);
    }
    if (checking.add(uid)) {
      boolean now = forceNext.remove(uid);
      Optional<CompletableFuture<Void>> started = runner.startOther(() -> {
        boolean did = false;
        try {
          did = checkNow(schedule, job, now, suspended);
        } catch (RuntimeException e) {
          LOG.warn("Checking the pending uploads of schedule {}/{} on node {} failed",
              schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(), node, e);
        } finally {
          checking.remove(uid);
        }
        if (did || forceNext.contains(uid)) {
          lookAgain.run();
        }
      });
      if (started.isEmpty()) {
        checking.remove(uid);
        if (now) {
          forceNext.add(uid);
        }
      }
    }
    return Optional.ofNullable(nextCheck.get(uid));
  }

  /** One check on this thread; true when it looked at storage (and the next check time moved). */
  private boolean checkNow(EtcdSnapshotSchedule schedule, SnapshotJob job, boolean force, boolean suspended) {
    Optional<UploadRetrier.Report> report = retrier.check(schedule.getMetadata().getUid(), job, force);
    if (report.isEmpty()) {
      return false;
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
    nextCheck.put(schedule.getMetadata().getUid(), report.get().nextCheck());
    return true;
  }
}

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
import java.time.Clock;
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
  private final Clock clock;
  /** Schedules (by uid) with a check going. */
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  /** Schedules whose next check must look at storage whatever the backoff says (a run ended meanwhile). */
  private final Set<String> forceNext = ConcurrentHashMap.newKeySet();
  /** What the last check that looked at storage found, per schedule. */
  private final Map<String, UploadRetrier.Report> lastReport = new ConcurrentHashMap<>();

  ScheduleUploads(String node, UploadRetrier retrier, SnapshotRunner runner, StatusWriter writer,
      SnapshotMetrics metrics, Clock clock) {
    this.clock = clock;
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
   * @return when to look again, as the last check that did something said; empty when none did. That check's
   *     pending uploads go to the gauges unless the schedule is suspended
   */
  Optional<Instant> check(EtcdSnapshotSchedule schedule, SnapshotJob job, boolean force, boolean suspended,
      Runnable lookAgain) {
    String uid = schedule.getMetadata().getUid();
    if (force) {
      forceNext.add(uid);
    }
    UploadRetrier.Report previous = lastReport.get(uid);
    // Only when due: a check that ends brings the schedule back, and that look must not start the next one.
    boolean due = previous == null || forceNext.contains(uid) || !clock.instant().isBefore(previous.nextCheck());
    if (due && checking.add(uid)) {
      boolean now = forceNext.remove(uid);
      Optional<CompletableFuture<Void>> started = runner.startOther(() -> {
        boolean did = false;
        try {
          did = checkNow(schedule, job, now);
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
    Optional<UploadRetrier.Report> last = Optional.ofNullable(lastReport.get(uid));
    // The gauges are set here, on the reconcile thread, which never sees a deleted schedule and knows whether it
    // is suspended now: a check that ends after the schedule went must not bring its series back.
    last.filter(r -> !suspended).ifPresent(r -> metrics.pendingUploads(schedule.getMetadata().getNamespace(),
        schedule.getMetadata().getName(), node, r.pending().size(),
        r.pending().stream().findFirst().map(StoredSnapshot::createdAt)));
    return last.map(UploadRetrier.Report::nextCheck);
  }

  /** One check on this thread; true when it looked at storage (and the next check time moved). */
  private boolean checkNow(EtcdSnapshotSchedule schedule, SnapshotJob job, boolean force) {
    Optional<UploadRetrier.Report> report = retrier.check(schedule.getMetadata().getUid(), job, force);
    if (report.isEmpty()) {
      // Not yet time by the retrier's own backoff, or S3 cannot be used (the Ready condition says why): no
      // wake-up of the schedule's own from here, until a check looks at storage again.
      lastReport.remove(schedule.getMetadata().getUid());
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
    lastReport.put(schedule.getMetadata().getUid(), report.get());
    return true;
  }
}

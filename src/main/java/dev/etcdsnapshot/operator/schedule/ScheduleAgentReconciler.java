package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.operator.agent.BackgroundWork;
import dev.etcdsnapshot.operator.agent.SnapshotJob;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.operator.agent.UploadRetrier;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3SecretEventSource;
import dev.etcdsnapshot.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of a schedule, for its own node: when a slot is due and the node is selected, claim the slot in
 * the schedule's status (optimistic concurrency: one claimant per node and slot, across restarts and pods), take
 * the snapshot (on the runner's threads, not the reconciler's), record the outcome when the run's end brings the
 * schedule back, and come back at the next slot. Also keeps the Ready condition in step with the
 * spec and the S3 Secret, which it watches: a Secret change re-validates every schedule naming it at once.
 *
 * <p>A run whose agent died leaves the node's entry {@code Running}; it is marked Failed when this pod claimed it
 * and this process holds no outcome for it (the container restarted), or when another pod claimed it and this pod
 * has held the node's agent Lease alone for a whole Lease duration since (the claimant would have renewed it, were
 * it alive). An outcome that could not be written (an API error, too many conflicts) is kept in memory and written
 * first thing at the next reconcile, so a snapshot that was taken is never reported lost.
 */
public final class ScheduleAgentReconciler implements Reconciler<EtcdSnapshotSchedule> {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleAgentReconciler.class);

  private final String node;
  private final String agent;
  private final AgentLeases leases;
  private final ScheduleLifecycle lifecycle;
  private final Clock clock;
  private final Duration maxWait;
  private final SnapshotRunner runner;
  private final StatusWriter writer;
  private final ScheduleConditions conditions;
  private final ResourceEvents events;
  private final ScheduleUploads uploads;
  private final java.util.Set<String> kubeSystemSecrets;
  /**
   * Brings a schedule back to the reconciler when a run or upload check of its ends, to write what it did (the
   * lifecycle holds a run's outcome, the uploads their next check).
   */
  private final BackgroundWork<EtcdSnapshotSchedule, Void> work = new BackgroundWork<>();

  /**
   * @param agent this pod's identity, recorded with every claim
   * @param leases the agent Leases, to tell whether the pod behind a stale claim is gone
   * @param maxWait the longest wait between two looks at a schedule, so a clock step or a lost timer costs at most
   *     this long
   * @param retrier retries the uploads that failed, shown in the node's entry and the metrics
   */
  public ScheduleAgentReconciler(String node, String agent, AgentLeases leases, Clock clock, Duration maxWait,
      SnapshotRunner runner, StatusWriter writer, S3Access s3, ResourceEvents events, UploadRetrier retrier,
      SnapshotMetrics metrics) {
    this.node = node;
    this.agent = agent;
    this.leases = leases;
    this.clock = clock;
    this.maxWait = maxWait;
    this.runner = runner;
    this.writer = writer;
    this.events = events;
    this.conditions = new ScheduleConditions(clock, writer, s3, events);
    this.uploads = new ScheduleUploads(node, retrier, runner, writer, metrics, clock);
    this.kubeSystemSecrets = s3.kubeSystemSecrets();
    this.lifecycle = new ScheduleLifecycle(node, agent, clock);
  }

  @Override
  public List<EventSource<?, EtcdSnapshotSchedule>> prepareEventSources(EventSourceContext<EtcdSnapshotSchedule> ctx) {
    List<EventSource<?, EtcdSnapshotSchedule>> sources =
        new ArrayList<>(S3SecretEventSource.forSchedules(ctx, kubeSystemSecrets));
    sources.add(work.eventSource());
    return sources;
  }

  @Override
  public UpdateControl<EtcdSnapshotSchedule> reconcile(EtcdSnapshotSchedule schedule,
      Context<EtcdSnapshotSchedule> context) {
    // First the outcomes of runs that ended: a snapshot taken is recorded whatever else the spec now says.
    boolean runEnded = lifecycle.hasUnrecorded(schedule);
    Optional<EtcdSnapshotSchedule> recorded = recordUnrecorded(schedule);
    if (recorded.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    schedule = recorded.get();
    EtcdSnapshotScheduleSpec spec = schedule.getSpec() == null ? new EtcdSnapshotScheduleSpec() : schedule.getSpec();
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(spec.getSchedule(), spec.getTimeZone());
    } catch (InvalidScheduleException e) {
      conditions.invalid(schedule, e);
      return UpdateControl.noUpdate();
    }
    Optional<EtcdSnapshotSchedule> current = conditions.validate(schedule, cron, clock.instant());
    if (current.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    LostRun lost = failLostRun(current.get());
    schedule = lost.schedule();
    SlotPlan plan = lifecycle.plan(schedule, cron);
    Optional<Instant> uploadCheck = Optional.empty();
    if (lifecycle.selects(spec)) {
      EtcdSnapshotSchedule latest = schedule;
      plan.missed().ifPresent(slot -> missed(latest, slot));
      plan.due().ifPresent(slot -> runSlot(latest, spec, slot));
      // Failed uploads are retried whether or not the schedule is suspended: the snapshots exist already. Not
      // while a run of the schedule goes on: its end brings the schedule back, and storage is looked at then.
      if (!lifecycle.isRunning(latest)) {
        uploadCheck = uploads.check(latest, job(latest, spec), runEnded, Boolean.TRUE.equals(spec.getSuspend()),
            () -> work.lookAgain(latest));
      }
    }
    Duration wait = plan.waitFrom(clock.instant(), maxWait);
    if (uploadCheck.isPresent()) {
      Duration untilCheck = Duration.between(clock.instant(), uploadCheck.get());
      // At least a second: an attempt held back by a running save is due at once, and must not spin.
      Duration floor = Duration.ofSeconds(1);
      untilCheck = untilCheck.compareTo(floor) < 0 ? floor : untilCheck;
      wait = untilCheck.compareTo(wait) < 0 ? untilCheck : wait;
    }
    // Look again once another claimant has had a Lease duration to show it is alive, or to retry writing an
    // outcome: soon, not only at the next slot.
    if ((lost.undecided() || lifecycle.hasUnrecorded(schedule)) && wait.compareTo(leases.leaseDuration()) > 0) {
      wait = leases.leaseDuration();
    }
    return UpdateControl.<EtcdSnapshotSchedule>noUpdate().rescheduleAfter(wait);
  }

  /** The schedule after marking a lost run of this node Failed, if there is one; whether to look again soon. */
  private record LostRun(EtcdSnapshotSchedule schedule, boolean undecided) {}

  private LostRun failLostRun(EtcdSnapshotSchedule schedule) {
    ScheduleLifecycle.LostRun verdict = lifecycle.lostRun(schedule, this::claimantIsGone);
    if (verdict.failWhy().isEmpty()) {
      return new LostRun(schedule, verdict.undecided());
    }
    String why = verdict.failWhy().get();
    String slot = lifecycle.entrySlot(schedule).orElse(null);
    AtomicBoolean changed = new AtomicBoolean();
    Optional<EtcdSnapshotSchedule> written = writer.update(schedule, s -> {
      changed.set(lifecycle.failLostRun(s, slot, why));
      return changed.get();
    });
    if (changed.get()) {
      events.warning(schedule, ResourceEvents.SNAPSHOT_FAILED, "Slot " + slot + " on node " + node + " failed: " + why);
    }
    return new LostRun(written.orElse(schedule), false);
  }

  /**
   * This pod has renewed the node's agent Lease alone for a Lease duration: any other live agent of the node would
   * have renewed it in between (it renews more often than that), taking it over.
   */
  private boolean claimantIsGone() {
    return leases.holder(node)
        .filter(h -> agent.equals(h.identity()))
        .filter(h -> !h.acquired().plus(leases.leaseDuration()).isAfter(h.renewed()))
        .isPresent();
  }

  /**
   * Writes the outcomes this process holds for the schedule, oldest slot first; the schedule as it is now, empty
   * when it is gone. An outcome whose write fails again stays for the next reconcile.
   */
  private Optional<EtcdSnapshotSchedule> recordUnrecorded(EtcdSnapshotSchedule schedule) {
    Optional<EtcdSnapshotSchedule> latest = Optional.of(schedule);
    for (ScheduleLifecycle.Finished done : lifecycle.unrecorded(schedule)) {
      latest = record(latest.get(), done);
      if (latest.isEmpty()) {
        return latest;
      }
    }
    return latest;
  }

  /**
   * Writes a run's outcome into the node's entry (nothing when the entry has moved on to another slot) and emits
   * its Event; on an API error the lifecycle keeps it for the next reconcile.
   *
   * @return the schedule as written (as given, when the write failed); empty when the schedule is gone
   */
  private Optional<EtcdSnapshotSchedule> record(EtcdSnapshotSchedule schedule, ScheduleLifecycle.Finished done) {
    Optional<EtcdSnapshotSchedule> written;
    try {
      written = writer.update(schedule, s -> lifecycle.applyOutcome(s, done));
    } catch (KubernetesClientException e) {
      LOG.warn("Recording the outcome of slot {} of schedule {}/{} on node {} failed (HTTP {}): kept, and written "
          + "at the next look at the schedule", done.slot(), schedule.getMetadata().getNamespace(),
          schedule.getMetadata().getName(), node, e.getCode());
      return Optional.of(schedule);
    }
    lifecycle.recorded(done);
    written.ifPresent(w -> conditions.afterRun(w, node, done.outcome()));
    return written;
  }

  private void missed(EtcdSnapshotSchedule schedule, Instant slot) {
    if (claim(schedule, slot, ScheduleNodeEntries.MISSED).isPresent()) {
      events.warning(schedule, ResourceEvents.SNAPSHOT_MISSED, "Slot " + slot + " on node " + node
          + " was missed while no agent ran and is past its starting deadline; the next slot runs as planned");
    }
  }

  /**
   * Starts the slot's run if this node wins its claim, on the runner's threads: its outcome is held by the
   * lifecycle when it ends and written by the reconcile its end triggers.
   */
  private void runSlot(EtcdSnapshotSchedule schedule, EtcdSnapshotScheduleSpec spec, Instant slot) {
    Optional<EtcdSnapshotSchedule> claimed = claim(schedule, slot, ScheduleNodeEntries.RUNNING);
    if (claimed.isEmpty()) {
      return;
    }
    EtcdSnapshotSchedule run = claimed.get();
    lifecycle.started(run, slot);
    runner.start(job(run, spec)).thenAccept(outcome -> {
      lifecycle.finished(run, slot, outcome);
      work.lookAgain(run);
    });
  }

  /** Claims the slot; empty when another writer claimed it first (or the schedule is gone). */
  private Optional<EtcdSnapshotSchedule> claim(EtcdSnapshotSchedule schedule, Instant slot, String phase) {
    AtomicBoolean won = new AtomicBoolean();
    Optional<EtcdSnapshotSchedule> written = writer.update(schedule, s -> {
      won.set(lifecycle.claim(s, slot, phase));
      return won.get();
    });
    return won.get() ? written : Optional.empty();
  }

  private static SnapshotJob job(EtcdSnapshotSchedule schedule, EtcdSnapshotScheduleSpec spec) {
    return new SnapshotJob(SnapshotTrigger.SCHEDULED,
        spec.getName() == null ? "etcd-snapshot" : spec.getName(),
        Boolean.TRUE.equals(spec.getCompress()),
        spec.getRetention() == null ? 5 : spec.getRetention(),
        schedule.getMetadata().getNamespace(), spec.getS3(), spec.getDeletionPolicy(),
        SnapshotJob.provesContent(spec.getVerify()));
  }
}

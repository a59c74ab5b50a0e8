package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.operator.ResourceEvents;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import dev.etcdsnapshot.operator.agent.SnapshotJob;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics.Trigger;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.operator.s3.S3Check;
import dev.etcdsnapshot.operator.s3.S3SecretEventSource;
import dev.etcdsnapshot.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's side of a schedule, for its own node: when a slot is due and the node is selected, claim the slot in
 * the schedule's status (optimistic concurrency: one claimant per node and slot, across restarts and pods), take
 * the snapshot, record the outcome, and come back at the next slot. Also keeps the Ready condition in step with the
 * spec and the S3 Secret, which it watches: a Secret change re-validates every schedule naming it at once.
 *
 * <p>A run whose agent died leaves the node's entry {@code Running}; it is marked Failed when this pod claimed it
 * but runs nothing now (the container restarted), or when another pod claimed it and this pod has held the node's
 * agent Lease alone for a whole Lease duration since (the claimant would have renewed it, were it alive).
 */
public final class ScheduleAgentReconciler implements Reconciler<EtcdSnapshotSchedule> {

  private final String node;
  private final String agent;
  private final AgentLeases leases;
  private final Set<String> runningHere = ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private final Duration maxWait;
  private final SnapshotRunner runner;
  private final StatusWriter writer;
  private final ScheduleConditions conditions;
  private final ResourceEvents events;

  /**
   * @param agent this pod's identity, recorded with every claim
   * @param leases the agent Leases, to tell whether the pod behind a stale claim is gone
   * @param maxWait the longest wait between two looks at a schedule, so a clock step or a lost timer costs at most
   *     this long
   */
  public ScheduleAgentReconciler(String node, String agent, AgentLeases leases, Clock clock, Duration maxWait,
      SnapshotRunner runner, StatusWriter writer, S3Check s3, ResourceEvents events) {
    this.node = node;
    this.agent = agent;
    this.leases = leases;
    this.clock = clock;
    this.maxWait = maxWait;
    this.runner = runner;
    this.writer = writer;
    this.events = events;
    this.conditions = new ScheduleConditions(clock, writer, s3, events);
  }

  @Override
  public List<EventSource<?, EtcdSnapshotSchedule>> prepareEventSources(EventSourceContext<EtcdSnapshotSchedule> ctx) {
    return S3SecretEventSource.forSchedules(ctx);
  }

  @Override
  public UpdateControl<EtcdSnapshotSchedule> reconcile(EtcdSnapshotSchedule schedule,
      Context<EtcdSnapshotSchedule> context) {
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
    Instant now = clock.instant();
    SlotPlan plan = SlotPlanner.plan(cron, since(schedule), now, Boolean.TRUE.equals(spec.getSuspend()));
    if (selected(spec)) {
      EtcdSnapshotSchedule latest = schedule;
      plan.missed().ifPresent(slot -> missed(latest, slot));
      plan.due().ifPresent(slot -> runSlot(latest, spec, slot));
    }
    Duration wait = plan.waitFrom(clock.instant(), maxWait);
    if (lost.undecided() && wait.compareTo(leases.leaseDuration()) > 0) {
      wait = leases.leaseDuration(); // look again once the claimant has had a Lease duration to show it is alive
    }
    return UpdateControl.<EtcdSnapshotSchedule>noUpdate().rescheduleAfter(wait);
  }

  /**
   * The schedule after marking a lost run of this node Failed, if there is one.
   *
   * @param undecided a Running entry of another pod that may still be alive: to be looked at again soon
   */
  private record LostRun(EtcdSnapshotSchedule schedule, boolean undecided) {}

  private LostRun failLostRun(EtcdSnapshotSchedule schedule) {
    Optional<ScheduleNodeStatus> entry = ScheduleNodeEntries.entry(schedule, node);
    if (entry.isEmpty() || !ScheduleNodeEntries.RUNNING.equals(entry.get().getPhase())
        || runningHere.contains(runKey(schedule, entry.get().getLastScheduleTime()))) {
      return new LostRun(schedule, false);
    }
    String slot = entry.get().getLastScheduleTime();
    String claimant = entry.get().getAgent();
    String why;
    if (agent.equals(claimant)) {
      why = "the agent restarted while the snapshot was running; the next slot runs as planned";
    } else if (claimantIsGone()) {
      why = "the agent restarted while the snapshot was running (pod " + (claimant == null ? "unknown" : claimant)
          + " claimed the slot and is gone; pod " + agent + " now serves the node); the next slot runs as planned";
    } else {
      return new LostRun(schedule, true);
    }
    Instant now = clock.instant();
    AtomicBoolean changed = new AtomicBoolean();
    Optional<EtcdSnapshotSchedule> written = writer.update(schedule, s -> {
      changed.set(ScheduleNodeEntries.failLostRun(s, node, slot, why));
      if (changed.get()) {
        ScheduleConditions.refreshDegraded(s, now);
      }
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

  private static String runKey(EtcdSnapshotSchedule schedule, String slot) {
    return schedule.getMetadata().getUid() + "/" + slot;
  }

  private boolean selected(EtcdSnapshotScheduleSpec spec) {
    return spec.getNodes() == null || spec.getNodes().isEmpty() || spec.getNodes().contains(node);
  }

  /** Slots at or before this were handled on this node, or predate the schedule. */
  private Instant since(EtcdSnapshotSchedule schedule) {
    Instant created = Instant.parse(schedule.getMetadata().getCreationTimestamp());
    return ScheduleNodeEntries.lastClaimed(schedule, node).filter(c -> c.isAfter(created)).orElse(created);
  }

  private void missed(EtcdSnapshotSchedule schedule, Instant slot) {
    if (claim(schedule, slot, ScheduleNodeEntries.MISSED).isPresent()) {
      events.warning(schedule, ResourceEvents.SNAPSHOT_MISSED, "Slot " + slot + " on node " + node
          + " was missed while no agent ran and is past its starting deadline; the next slot runs as planned");
    }
  }

  private void runSlot(EtcdSnapshotSchedule schedule, EtcdSnapshotScheduleSpec spec, Instant slot) {
    String key = runKey(schedule, slot.toString());
    runningHere.add(key);
    try {
      Optional<EtcdSnapshotSchedule> claimed = claim(schedule, slot, ScheduleNodeEntries.RUNNING);
      if (claimed.isPresent()) {
        run(claimed.get(), spec, slot);
      }
    } finally {
      runningHere.remove(key);
    }
  }

  private void run(EtcdSnapshotSchedule claimed, EtcdSnapshotScheduleSpec spec, Instant slot) {
    RunOutcome outcome = runner.run(job(claimed, spec));
    Instant now = clock.instant();
    writer.update(claimed, s -> ScheduleNodeEntries.recordOutcome(s, node, slot, outcome, now)
            | ScheduleConditions.refreshDegraded(s, now))
        .ifPresent(written -> conditions.afterRun(written, node, outcome));
  }

  /** Claims the slot; empty when another writer claimed it first (or the schedule is gone). */
  private Optional<EtcdSnapshotSchedule> claim(EtcdSnapshotSchedule schedule, Instant slot, String phase) {
    AtomicBoolean won = new AtomicBoolean();
    Optional<EtcdSnapshotSchedule> written = writer.update(schedule, s -> {
      won.set(ScheduleNodeEntries.claim(s, node, slot, phase, agent));
      if (won.get()) {
        ScheduleConditions.refreshDegraded(s, now());
      }
      return won.get();
    });
    return won.get() ? written : Optional.empty();
  }

  private Instant now() {
    return clock.instant();
  }

  private static SnapshotJob job(EtcdSnapshotSchedule schedule, EtcdSnapshotScheduleSpec spec) {
    return new SnapshotJob(Trigger.SCHEDULED,
        spec.getName() == null ? "etcd-snapshot" : spec.getName(),
        Boolean.TRUE.equals(spec.getCompress()),
        spec.getRetention() == null ? 5 : spec.getRetention(),
        schedule.getMetadata().getNamespace(), spec.getS3(), spec.getDeletionPolicy());
  }
}

package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The rules of a schedule's life on one node, on its status and a clock only (no API client): which slot is due or
 * missed, claiming a slot (one claimant per node and slot), deciding that a {@code Running} entry is a lost run,
 * and the outcomes of this process's runs still to be written (replayed, oldest first, at the next look). The
 * changes are made on a copy of the latest object and say whether they changed anything, for {@link
 * dev.etcdsnapshot.operator.status.StatusWriter}; the reconciler reads, asks, acts and writes.
 */
public final class ScheduleLifecycle {

  /** What to do with the node's entry before planning: nothing, look again soon, or mark the run Failed. */
  public record LostRun(boolean undecided, Optional<String> failWhy) {
    static final LostRun NONE = new LostRun(false, Optional.empty());
    static final LostRun UNDECIDED = new LostRun(true, Optional.empty());
  }

  /** A run of this process whose outcome is not yet in the status. */
  public record Finished(String key, Instant slot, RunOutcome outcome, Instant at) {}

  private final String node;
  private final String agent;
  private final Clock clock;
  /**
   * Outcomes of runs of this process not yet in the status, by {@link #runKey}. An entry of a schedule deleted
   * meanwhile stays (one small record; the schedule is never reconciled again to drop it).
   */
  private final Map<String, Finished> unrecorded = new ConcurrentHashMap<>();
  /** Runs of this process still going, by {@link #runKey}: their {@code Running} entry is not a lost run. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /**
   * @param node the node this agent serves
   * @param agent this pod's identity, recorded with every claim
   */
  public ScheduleLifecycle(String node, String agent, Clock clock) {
    this.node = node;
    this.agent = agent;
    this.clock = clock;
  }

  /** Whether the schedule selects this node ({@code spec.nodes} empty: every node). */
  public boolean selects(EtcdSnapshotScheduleSpec spec) {
    return spec.getNodes() == null || spec.getNodes().isEmpty() || spec.getNodes().contains(node);
  }

  /** The slot due now, the slot missed beyond its starting deadline, the next slot (see {@link SlotPlanner}). */
  public SlotPlan plan(EtcdSnapshotSchedule schedule, CronSchedule cron) {
    boolean suspended = schedule.getSpec() != null && Boolean.TRUE.equals(schedule.getSpec().getSuspend());
    return SlotPlanner.plan(cron, since(schedule), clock.instant(), suspended);
  }

  /** Slots at or before this were handled on this node, or predate the schedule. */
  Instant since(EtcdSnapshotSchedule schedule) {
    Instant created = Instant.parse(schedule.getMetadata().getCreationTimestamp());
    return ScheduleNodeEntries.lastClaimed(schedule, node).filter(c -> c.isAfter(created)).orElse(created);
  }

  /**
   * Whether the node's {@code Running} entry is a lost run: claimed by this pod, with no outcome held by this
   * process (the container restarted), or claimed by another pod that {@code claimantGone} says is gone (this pod
   * has held the node's agent Lease alone for a Lease duration). Asked only for another pod's claim.
   */
  public LostRun lostRun(EtcdSnapshotSchedule schedule, BooleanSupplier claimantGone) {
    Optional<ScheduleNodeStatus> entry = ScheduleNodeEntries.entry(schedule, node);
    if (entry.isEmpty() || !ScheduleNodeEntries.RUNNING.equals(entry.get().getPhase())
        || unrecorded.containsKey(runKey(schedule, entry.get().getLastScheduleTime()))
        || running.contains(runKey(schedule, entry.get().getLastScheduleTime()))) {
      return LostRun.NONE; // a run of this process still going, or whose outcome is still to be written, is not lost
    }
    String claimant = entry.get().getAgent();
    if (agent.equals(claimant)) {
      return new LostRun(false,
          Optional.of("the agent restarted while the snapshot was running; the next slot runs as planned"));
    }
    if (claimantGone.getAsBoolean()) {
      return new LostRun(false, Optional.of("the agent restarted while the snapshot was running (pod "
          + (claimant == null ? "unknown" : claimant) + " claimed the slot and is gone; pod " + agent
          + " now serves the node); the next slot runs as planned"));
    }
    return LostRun.UNDECIDED;
  }

  /** The slot of the node's entry, for the messages of a lost run. */
  public Optional<String> entrySlot(EtcdSnapshotSchedule schedule) {
    return ScheduleNodeEntries.entry(schedule, node).map(ScheduleNodeStatus::getLastScheduleTime);
  }

  /** Marks the node's run of {@code slot} Failed with {@code why}; false when the entry moved on. */
  public boolean failLostRun(EtcdSnapshotSchedule copy, String slot, String why) {
    boolean changed = ScheduleNodeEntries.failLostRun(copy, node, slot, why);
    if (changed) {
      ScheduleConditions.refreshDegraded(copy, clock.instant());
    }
    return changed;
  }

  /**
   * Claims {@code slot} with {@code phase} (Running to run it, Missed to record it missed); false when the node
   * already claimed it or a later slot, here or in another pod.
   */
  public boolean claim(EtcdSnapshotSchedule copy, Instant slot, String phase) {
    boolean won = ScheduleNodeEntries.claim(copy, node, slot, phase, agent);
    if (won) {
      ScheduleConditions.refreshDegraded(copy, clock.instant());
    }
    return won;
  }

  /** A run of the claimed {@code slot} started in this process. */
  public void started(EtcdSnapshotSchedule schedule, Instant slot) {
    running.add(runKey(schedule, slot.toString()));
  }

  /** Whether a run of this process is going for the schedule. */
  public boolean isRunning(EtcdSnapshotSchedule schedule) {
    String prefix = schedule.getMetadata().getUid() + "/";
    return running.stream().anyMatch(k -> k.startsWith(prefix));
  }

  /** The run ended: its outcome is held until {@link #recorded} says it is in the status. */
  public Finished finished(EtcdSnapshotSchedule schedule, Instant slot, RunOutcome outcome) {
    Finished done = new Finished(runKey(schedule, slot.toString()), slot, outcome, clock.instant());
    unrecorded.put(done.key(), done);
    running.remove(done.key());
    return done;
  }

  /** Writes a held outcome into the node's entry and the conditions; false when nothing changed. */
  public boolean applyOutcome(EtcdSnapshotSchedule copy, Finished done) {
    return ScheduleNodeEntries.recordOutcome(copy, node, done.slot(), done.outcome(), done.at())
        | ScheduleConditions.refreshDegraded(copy, done.at())
        | ScheduleConditions.setVerified(copy, node, done.outcome(), done.at());
  }

  /** The outcome is in the status: no longer held. */
  public void recorded(Finished done) {
    unrecorded.remove(done.key());
  }

  /** The outcomes held for the schedule, oldest slot first. */
  public List<Finished> unrecorded(EtcdSnapshotSchedule schedule) {
    String prefix = schedule.getMetadata().getUid() + "/";
    return unrecorded.values().stream().filter(f -> f.key().startsWith(prefix))
        .sorted(Comparator.comparing(Finished::slot)).toList();
  }

  /** Whether outcomes are held for the schedule (the reconciler then looks again soon). */
  public boolean hasUnrecorded(EtcdSnapshotSchedule schedule) {
    return !unrecorded(schedule).isEmpty();
  }

  private String runKey(EtcdSnapshotSchedule schedule, String slot) {
    return schedule.getMetadata().getUid() + "/" + node + "/" + slot;
  }
}

package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleStatus;
import dev.etcdsnapshot.model.PendingUploadsStatus;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-node entries of a schedule's status and the changes agents make to them. Each change mutates a copy of
 * the latest object and says whether it changed anything, for {@link
 * dev.etcdsnapshot.operator.status.StatusWriter}.
 */
public final class ScheduleNodeEntries {

  /** The slot is being run. */
  public static final String RUNNING = "Running";
  /** The slot's snapshot was saved with every copy asked for. */
  public static final String SUCCEEDED = "Succeeded";
  /** The slot's snapshot, or its S3 copy, failed. */
  public static final String FAILED = "Failed";
  /** Another snapshot of the node was running at the slot. */
  public static final String SKIPPED = "Skipped";
  /** The slot passed while no agent ran, beyond the starting deadline. */
  public static final String MISSED = "Missed";

  private ScheduleNodeEntries() {}

  /** The node's entry, if it has one. */
  public static Optional<ScheduleNodeStatus> entry(EtcdSnapshotSchedule schedule, String node) {
    EtcdSnapshotScheduleStatus status = schedule.getStatus();
    if (status == null || status.getNodes() == null) {
      return Optional.empty();
    }
    return status.getNodes().stream().filter(e -> node.equals(e.getNode())).findFirst();
  }

  /** The last slot the node claimed, if any. */
  public static Optional<Instant> lastClaimed(EtcdSnapshotSchedule schedule, String node) {
    return entry(schedule, node).map(ScheduleNodeStatus::getLastScheduleTime).filter(Objects::nonNull)
        .map(Instant::parse);
  }

  /**
   * Claims {@code slot} for {@code node} with the given phase, recording {@code agent} (this pod) as the claimant;
   * false (no change) when the node already claimed this slot or a later one — the check that keeps a slot from
   * running twice.
   */
  public static boolean claim(EtcdSnapshotSchedule schedule, String node, Instant slot, String phase, String agent) {
    if (lastClaimed(schedule, node).filter(last -> !last.isBefore(slot)).isPresent()) {
      return false;
    }
    ScheduleNodeStatus e = entryFor(schedule, node);
    e.setLastScheduleTime(slot.toString());
    e.setAgent(agent);
    e.setPhase(phase);
    e.setMessage(null);
    refreshSummary(schedule);
    return true;
  }

  /**
   * Marks the node's run of {@code slot} Failed because the agent that was running it is gone; false when the entry
   * is no longer that slot in phase Running (it finished, or moved on).
   */
  public static boolean failLostRun(EtcdSnapshotSchedule schedule, String node, String slot, String message) {
    Optional<ScheduleNodeStatus> current = entry(schedule, node);
    if (current.isEmpty() || !RUNNING.equals(current.get().getPhase())
        || !Objects.equals(slot, current.get().getLastScheduleTime())) {
      return false;
    }
    ScheduleNodeStatus e = entryFor(schedule, node);
    e.setPhase(FAILED);
    e.setMessage(message);
    refreshSummary(schedule);
    return true;
  }

  /** Records how the node's run of {@code slot} ended; false when the entry has moved on to another slot. */
  public static boolean recordOutcome(EtcdSnapshotSchedule schedule, String node, Instant slot, RunOutcome outcome,
      Instant now) {
    ScheduleNodeStatus e = entryFor(schedule, node);
    if (!slot.toString().equals(e.getLastScheduleTime())) {
      return false;
    }
    switch (outcome.kind()) {
      case SUCCEEDED -> {
        e.setPhase(SUCCEEDED);
        e.setLastSuccessTime(now.toString());
        e.setMessage(null);
      }
      case FAILED -> {
        e.setPhase(FAILED);
        e.setMessage(outcome.message());
      }
      case SKIPPED -> {
        e.setPhase(SKIPPED);
        e.setMessage(outcome.message());
      }
      default -> throw new IllegalStateException(outcome.kind().toString());
    }
    if (!outcome.objectNames().isEmpty()) {
      e.setLastSnapshotNames(outcome.objectNames());
    }
    refreshSummary(schedule);
    return true;
  }

  /**
   * Sets what the node has pending for upload ({@code null}: nothing); false when that is what the entry says
   * already. A node without an entry gets one only when something is pending.
   */
  public static boolean setPendingUploads(EtcdSnapshotSchedule schedule, String node, PendingUploadsStatus pending) {
    Optional<ScheduleNodeStatus> current = entry(schedule, node);
    if (Objects.equals(current.map(ScheduleNodeStatus::getPendingUploads).orElse(null), pending)) {
      return false;
    }
    entryFor(schedule, node).setPendingUploads(pending);
    return true;
  }

  private static ScheduleNodeStatus entryFor(EtcdSnapshotSchedule schedule, String node) {
    if (schedule.getStatus() == null) {
      schedule.setStatus(new EtcdSnapshotScheduleStatus());
    }
    EtcdSnapshotScheduleStatus status = schedule.getStatus();
    List<ScheduleNodeStatus> nodes = status.getNodes() == null ? new ArrayList<>() : new ArrayList<>(status.getNodes());
    status.setNodes(nodes);
    return nodes.stream().filter(e -> node.equals(e.getNode())).findFirst().orElseGet(() -> {
      ScheduleNodeStatus e = new ScheduleNodeStatus();
      e.setNode(node);
      nodes.add(e);
      nodes.sort(Comparator.comparing(ScheduleNodeStatus::getNode));
      return e;
    });
  }

  /**
   * The schedule-wide fields follow the node entries: the latest slot claimed, the names made for it, and the last
   * success time once every node that claimed that slot succeeded.
   */
  static void refreshSummary(EtcdSnapshotSchedule schedule) {
    EtcdSnapshotScheduleStatus status = schedule.getStatus();
    List<ScheduleNodeStatus> nodes = status.getNodes();
    Optional<String> latest = nodes.stream().map(ScheduleNodeStatus::getLastScheduleTime).filter(Objects::nonNull)
        .max(Comparator.comparing(Instant::parse));
    if (latest.isEmpty()) {
      return;
    }
    status.setLastScheduleTime(latest.get());
    List<ScheduleNodeStatus> ofLatest = nodes.stream()
        .filter(e -> latest.get().equals(e.getLastScheduleTime())).toList();
    List<String> names = ofLatest.stream().filter(e -> e.getLastSnapshotNames() != null)
        .flatMap(e -> e.getLastSnapshotNames().stream()).sorted().toList();
    if (!names.isEmpty()) {
      status.setLastSnapshotNames(names);
    }
    if (ofLatest.stream().allMatch(e -> SUCCEEDED.equals(e.getPhase()))) {
      ofLatest.stream().map(ScheduleNodeStatus::getLastSuccessTime).filter(Objects::nonNull)
          .max(Comparator.comparing(Instant::parse)).ifPresent(status::setLastSuccessTime);
    }
  }
}

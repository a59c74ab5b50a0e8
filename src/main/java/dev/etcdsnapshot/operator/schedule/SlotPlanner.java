package dev.etcdsnapshot.operator.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides which slot of a schedule is due on a node, including the catch-up rule for slots missed while no agent
 * ran.
 *
 * <p>Catch-up rule: of the slots after {@code since} (the node's last claimed slot, or the schedule's creation
 * when it never ran), only the latest one at or before now may run, and only while it is at most the starting
 * deadline old. The deadline is {@code min(period, 1h)}, the period being the gap from that slot to the one after
 * it: a snapshot taken late is still worth having, but never so late that it runs back to back with the next slot,
 * and never hours late. Older missed slots are reported as missed, not run. The same rule decides a normal tick,
 * which arrives a few milliseconds after its slot.
 */
public final class SlotPlanner {

  /** The upper bound of the starting deadline. */
  public static final Duration MAX_STARTING_DEADLINE = Duration.ofHours(1);

  private SlotPlanner() {}

  /**
   * Plans one look at a schedule.
   *
   * @param schedule the parsed schedule
   * @param since slots at or before this instant have been handled on this node (or predate the schedule)
   * @param now the current time
   * @param suspended {@code spec.suspend}: nothing is due and no next slot is given
   */
  public static SlotPlan plan(CronSchedule schedule, Instant since, Instant now, boolean suspended) {
    if (suspended) {
      return new SlotPlan(Optional.empty(), Optional.empty(), Optional.empty());
    }
    Optional<Instant> next = schedule.nextAfter(now);
    Optional<Instant> latest = schedule.lastAtOrBefore(now).filter(slot -> slot.isAfter(since));
    if (latest.isEmpty()) {
      return new SlotPlan(Optional.empty(), Optional.empty(), next);
    }
    Instant slot = latest.get();
    Duration deadline = startingDeadline(schedule, slot);
    if (Duration.between(slot, now).compareTo(deadline) <= 0) {
      return new SlotPlan(latest, Optional.empty(), next);
    }
    return new SlotPlan(Optional.empty(), latest, next);
  }

  /** {@code min(period after slot, 1h)}. */
  static Duration startingDeadline(CronSchedule schedule, Instant slot) {
    return schedule.nextAfter(slot)
        .map(after -> Duration.between(slot, after))
        .filter(period -> period.compareTo(MAX_STARTING_DEADLINE) < 0)
        .orElse(MAX_STARTING_DEADLINE);
  }
}

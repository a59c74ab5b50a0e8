package dev.etcdsnapshot.operator.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a schedule should do now on one node.
 *
 * @param due the slot to run now, if any
 * @param missed a slot that was not run and no longer will be (beyond the starting deadline), if any
 * @param next the next slot after now; empty when suspended or the expression never fires again
 */
public record SlotPlan(Optional<Instant> due, Optional<Instant> missed, Optional<Instant> next) {

  /**
   * How long to wait before looking again: until the next slot, but never longer than {@code maxWait}, so a
   * clock step or a lost timer costs at most that long.
   */
  public Duration waitFrom(Instant now, Duration maxWait) {
    Duration until = next.map(n -> Duration.between(now, n)).orElse(maxWait);
    if (until.isNegative() || until.isZero()) {
      return Duration.ofMillis(1);
    }
    return until.compareTo(maxWait) > 0 ? maxWait : until;
  }
}

package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.reverify.ReverifyVerdict;
import dev.etcdsnapshot.operator.reverify.VerdictListener;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StorageKind;
import java.time.Clock;

/**
 * Carries re-verification verdicts to the {@code Verified} condition of the schedule that made the copy (found by
 * its file name prefix): a stored copy that rotted after its save makes the schedule say so, not only its object.
 * Copies of requests, or of schedules since deleted, have no schedule to tell.
 */
public final class ScheduleReverifications implements VerdictListener {

  private final ScheduleCache schedules;
  private final StatusWriter writer;
  private final Clock clock;

  public ScheduleReverifications(ScheduleCache schedules, StatusWriter writer, Clock clock) {
    this.schedules = schedules;
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public void verdict(String fileName, StorageKind kind, ReverifyVerdict verdict) {
    if (!verdict.failed() && !verdict.contentVerified()) {
      return;
    }
    schedules.madeBy(fileName).ifPresent(schedule -> writer.update(schedule,
        s -> ScheduleConditions.setReverified(s, fileName, kind, verdict, clock.instant())));
  }
}

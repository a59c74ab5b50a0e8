package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps this agent's per-schedule series ({@link SnapshotMetrics#scheduleActive}) in step with the schedules
 * themselves: their cron (interval), creation time and, for this agent's node, the last success that the schedule's
 * status records — so the series are there from the agent's start on (no restart gap), count scheduled runs only
 * (an on-demand success does not hide a dead schedule), and go with a deleted or suspended schedule (which must not
 * alert).
 *
 * <p>A plain informer rather than a hook in the schedule reconciler: the reconciler is not called for a deleted
 * schedule, and every status write should move the gauge, not only the writes that trigger a reconcile.
 */
public final class ScheduleMetricsWatch implements AutoCloseable {

  private final ScheduleCache schedules;
  private final Handler handler;

  private ScheduleMetricsWatch(ScheduleCache schedules, Handler handler) {
    this.schedules = schedules;
    this.handler = handler;
  }

  /** Starts watching the cached schedules for the agent of {@code node}, those already cached first. */
  public static ScheduleMetricsWatch start(ScheduleCache schedules, String node, SnapshotMetrics metrics) {
    Handler handler = new Handler(node, metrics);
    schedules.addHandler(handler);
    return new ScheduleMetricsWatch(schedules, handler);
  }

  @Override
  public void close() {
    schedules.removeHandler(handler);
  }

  /** Maps one schedule's state to its series. */
  static final class Handler implements ResourceEventHandler<EtcdSnapshotSchedule> {

    private final String node;
    private final SnapshotMetrics metrics;
    /** The last cron that parsed, per schedule: an edit to an invalid cron keeps being judged by it. */
    private final Map<String, CronSchedule> lastValid = new ConcurrentHashMap<>();

    Handler(String node, SnapshotMetrics metrics) {
      this.node = node;
      this.metrics = metrics;
    }

    @Override
    public void onAdd(EtcdSnapshotSchedule schedule) {
      observe(schedule);
    }

    @Override
    public void onUpdate(EtcdSnapshotSchedule old, EtcdSnapshotSchedule schedule) {
      observe(schedule);
    }

    @Override
    public void onDelete(EtcdSnapshotSchedule schedule, boolean deletedFinalStateUnknown) {
      lastValid.remove(key(schedule));
      metrics.scheduleInactive(schedule.getMetadata().getNamespace(), schedule.getMetadata().getName());
    }

    void observe(EtcdSnapshotSchedule schedule) {
      String ns = schedule.getMetadata().getNamespace();
      String name = schedule.getMetadata().getName();
      EtcdSnapshotScheduleSpec spec = schedule.getSpec() == null ? new EtcdSnapshotScheduleSpec() : schedule.getSpec();
      Optional<CronSchedule> cron = cron(schedule, spec);
      Optional<Instant> created = instant(schedule.getMetadata().getCreationTimestamp());
      if (Boolean.TRUE.equals(spec.getSuspend()) || cron.isEmpty() || created.isEmpty()) {
        metrics.scheduleInactive(ns, name);
        return;
      }
      metrics.scheduleActive(ns, name, created.get(), gap(cron.get()), node,
          selects(spec) ? lastSuccess(schedule) : Optional.empty());
    }

    private Optional<CronSchedule> cron(EtcdSnapshotSchedule schedule, EtcdSnapshotScheduleSpec spec) {
      try {
        CronSchedule cron = CronSchedule.parse(spec.getSchedule(), spec.getTimeZone());
        lastValid.put(key(schedule), cron);
        return Optional.of(cron);
      } catch (InvalidScheduleException e) {
        // The Ready condition and a ScheduleInvalid Event say why; snapshots have stopped, so keep judging.
        return Optional.ofNullable(lastValid.get(key(schedule)));
      }
    }

    /** The gap between the slots around {@code now}: a weekday-only cron is judged by the gap it is in. */
    static Function<Instant, Optional<Duration>> gap(CronSchedule cron) {
      return now -> cron.lastAtOrBefore(now)
          .flatMap(previous -> cron.nextAfter(now).map(next -> Duration.between(previous, next)));
    }

    private boolean selects(EtcdSnapshotScheduleSpec spec) {
      return spec.getNodes() == null || spec.getNodes().isEmpty() || spec.getNodes().contains(node);
    }

    private Optional<Instant> lastSuccess(EtcdSnapshotSchedule schedule) {
      if (schedule.getStatus() == null || schedule.getStatus().getNodes() == null) {
        return Optional.empty();
      }
      return schedule.getStatus().getNodes().stream()
          .filter(n -> node.equals(n.getNode()))
          .map(ScheduleNodeStatus::getLastSuccessTime)
          .filter(Objects::nonNull)
          .findFirst()
          .flatMap(Handler::instant);
    }

    private static Optional<Instant> instant(String text) {
      try {
        return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    private static String key(EtcdSnapshotSchedule schedule) {
      return schedule.getMetadata().getNamespace() + "/" + schedule.getMetadata().getName();
    }
  }
}

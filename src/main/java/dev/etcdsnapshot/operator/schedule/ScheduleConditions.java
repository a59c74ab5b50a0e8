package dev.etcdsnapshot.operator.schedule;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleStatus;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.reverify.ReverifyVerdict;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3ConfigException;
import dev.etcdsnapshot.operator.status.Conditions;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A schedule's {@code Ready} and {@code Degraded} conditions and the Events that go with them. An Event is emitted
 * by the writer whose status write changed the condition, so several agents seeing the same problem report it once.
 */
final class ScheduleConditions {

  /** The schedule's content-proof condition type. */
  static final String VERIFIED = "Verified";

  private static final Map<String, String> DEGRADED_REASONS = Map.of(
      ScheduleNodeEntries.FAILED, "SnapshotFailed",
      ScheduleNodeEntries.SKIPPED, "SnapshotSkipped",
      ScheduleNodeEntries.MISSED, "SnapshotMissed");

  private final Clock clock;
  private final StatusWriter writer;
  private final S3Access s3;
  private final ResourceEvents events;

  ScheduleConditions(Clock clock, StatusWriter writer, S3Access s3, ResourceEvents events) {
    this.clock = clock;
    this.writer = writer;
    this.s3 = s3;
    this.events = events;
  }

  /** Ready=False naming the bad field, no next slot, and a ScheduleInvalid Event when that is news. */
  void invalid(EtcdSnapshotSchedule schedule, InvalidScheduleException e) {
    Instant now = clock.instant();
    AtomicBoolean changed = new AtomicBoolean();
    writer.update(schedule, s -> {
      boolean c = setReady(s, false, e.reason(), e.getMessage(), now);
      changed.set(c);
      return setNext(s, null) | c;
    });
    if (changed.get()) {
      events.warning(schedule, ResourceEvents.SCHEDULE_INVALID, e.getMessage());
    }
  }

  /**
   * Ready follows the S3 configuration (read now, from the Secret); also writes the next slot and the observed
   * generation. Returns the schedule as written, empty when it is gone.
   */
  Optional<EtcdSnapshotSchedule> validate(EtcdSnapshotSchedule schedule, CronSchedule cron, Instant now) {
    boolean suspended = Boolean.TRUE.equals(schedule.getSpec().getSuspend());
    String next = suspended ? null : cron.nextAfter(now).map(Instant::toString).orElse(null);
    Optional<String> problem = s3.problem(schedule.getMetadata().getNamespace(), schedule.getSpec().getS3());
    AtomicBoolean becameInvalid = new AtomicBoolean();
    Optional<EtcdSnapshotSchedule> written = writer.update(schedule, s -> {
      boolean c = problem.isPresent()
          ? setReady(s, false, S3ConfigException.REASON, problem.get() + "; local snapshots go on without the S3 copy",
              now)
          : setReady(s, true, suspended ? "Suspended" : "Scheduled", describe(cron, suspended), now);
      becameInvalid.set(c && problem.isPresent());
      return setNext(s, next) | c;
    });
    if (becameInvalid.get()) {
      events.warning(schedule, ResourceEvents.S3_SECRET_INVALID, problem.get());
    }
    return written;
  }

  /** Events for a finished run; the status (entries and Degraded) was written with the outcome. */
  void afterRun(EtcdSnapshotSchedule schedule, String node, RunOutcome outcome) {
    switch (outcome.kind()) {
      case SUCCEEDED -> events.normal(schedule, ResourceEvents.SNAPSHOT_TAKEN,
          "Snapshot " + outcome.fileName() + " taken on node " + node);
      case FAILED -> events.warning(schedule, ResourceEvents.SNAPSHOT_FAILED,
          "Snapshot on node " + node + " failed: " + outcome.message());
      case SKIPPED -> events.warning(schedule, ResourceEvents.SNAPSHOT_SKIPPED,
          "Slot skipped on node " + node + ": " + outcome.message());
      default -> throw new IllegalStateException(outcome.kind().toString());
    }
  }

  private static String describe(CronSchedule cron, boolean suspended) {
    return (suspended ? "suspended; " : "") + "schedule \"" + cron.expression() + "\" in " + cron.zone().getId();
  }

  private static boolean setReady(EtcdSnapshotSchedule s, boolean ok, String reason, String message, Instant now) {
    EtcdSnapshotScheduleStatus st = status(s);
    Optional<List<Condition>> next = Conditions.set(st.getConditions(), Conditions.READY, ok, reason, message,
        s.getMetadata().getGeneration(), now);
    next.ifPresent(st::setConditions);
    boolean gen = !Objects.equals(st.getObservedGeneration(), s.getMetadata().getGeneration());
    st.setObservedGeneration(s.getMetadata().getGeneration());
    return next.isPresent() || gen;
  }

  /**
   * The {@code Verified} condition from a run's content proof, naming the node and revision: True when the
   * content was proven; False with reason {@code ContentMismatch} or {@code Unreadable} (a failure),
   * {@code Compacted} (the member compacted past the revision first) or {@code MemberUnavailable}. A run without a
   * proof ({@code verify: trailer}, or nothing saved) leaves it as it is.
   */
  static boolean setVerified(EtcdSnapshotSchedule s, String node, RunOutcome outcome, Instant now) {
    if (outcome.proof().isEmpty()) {
      return false;
    }
    ContentProof proof = outcome.proof().get();
    String reason = switch (proof.outcome()) {
      case VERIFIED -> "ContentVerified";
      case MISMATCH -> "ContentMismatch";
      case UNREADABLE -> "Unreadable";
      case COMPACTED -> "Compacted";
      case UNAVAILABLE -> "MemberUnavailable";
    };
    EtcdSnapshotScheduleStatus st = status(s);
    Optional<List<Condition>> next = Conditions.set(st.getConditions(), VERIFIED, proof.verified(), reason,
        "Snapshot " + outcome.fileName() + " on node " + node + ": " + proof.message(),
        s.getMetadata().getGeneration(), now);
    next.ifPresent(st::setConditions);
    return next.isPresent();
  }

  /** The reason of a {@code Verified=False} that a re-verification of a stored copy set. */
  static final String STORED_COPY_FAILED = "StoredCopyFailed";

  /**
   * The {@code Verified} condition after a re-verification of one of the schedule's stored copies: a failure
   * (mismatch, unreadable) sets it False with reason {@value #STORED_COPY_FAILED}, naming the copy; a later
   * content proof of that same copy sets it True again. Any other success leaves it alone, so a passing old copy
   * never hides a failed save or another copy's failure.
   */
  static boolean setReverified(EtcdSnapshotSchedule s, String fileName, StorageKind kind, ReverifyVerdict verdict,
      Instant now) {
    String copy = "Stored copy " + fileName + " (" + kind.prefix() + ")";
    EtcdSnapshotScheduleStatus st = status(s);
    Optional<List<Condition>> next;
    if (verdict.failed()) {
      next = Conditions.set(st.getConditions(), VERIFIED, false, STORED_COPY_FAILED,
          copy + " failed re-verification: " + verdict.message() + " (the copy is kept)",
          s.getMetadata().getGeneration(), now);
    } else if (verdict.contentVerified() && Conditions.find(st.getConditions(), VERIFIED)
        .filter(c -> STORED_COPY_FAILED.equals(c.getReason()) && c.getMessage() != null
            && c.getMessage().startsWith(copy + " ")).isPresent()) {
      next = Conditions.set(st.getConditions(), VERIFIED, true, "ContentVerified",
          copy + " re-verified: " + verdict.message(), s.getMetadata().getGeneration(), now);
    } else {
      return false;
    }
    next.ifPresent(st::setConditions);
    return next.isPresent();
  }

  private static boolean setNext(EtcdSnapshotSchedule s, String next) {
    EtcdSnapshotScheduleStatus st = status(s);
    if (Objects.equals(st.getNextScheduleTime(), next)) {
      return false;
    }
    st.setNextScheduleTime(next);
    return true;
  }

  /** Degraded=True while any node's last run failed, was skipped or missed; part of the outcome's status write. */
  static boolean refreshDegraded(EtcdSnapshotSchedule s, Instant now) {
    EtcdSnapshotScheduleStatus st = status(s);
    List<ScheduleNodeStatus> bad = st.getNodes() == null ? List.of() : st.getNodes().stream()
        .filter(e -> DEGRADED_REASONS.containsKey(e.getPhase())).toList();
    Optional<List<Condition>> next = bad.isEmpty()
        ? Conditions.set(st.getConditions(), Conditions.DEGRADED, false, "SnapshotsSucceeded",
            "the last run succeeded on every node", s.getMetadata().getGeneration(), now)
        : Conditions.set(st.getConditions(), Conditions.DEGRADED, true, DEGRADED_REASONS.get(bad.get(0).getPhase()),
            bad.stream().map(e -> "node " + e.getNode() + ": " + e.getPhase().toLowerCase()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")).collect(Collectors.joining("; ")),
            s.getMetadata().getGeneration(), now);
    next.ifPresent(st::setConditions);
    return next.isPresent();
  }

  private static EtcdSnapshotScheduleStatus status(EtcdSnapshotSchedule s) {
    if (s.getStatus() == null) {
      s.setStatus(new EtcdSnapshotScheduleStatus());
    }
    return s.getStatus();
  }
}

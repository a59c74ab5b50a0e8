package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.Retention;
import dev.etcdsnapshot.engine.RetentionScope;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which local snapshots of one schedule on one node lack their S3 copy, and when each is next tried: pure logic on
 * a clock, no I/O. The pending set is derived every time from the two listings (storage is the truth, a restart
 * loses nothing); only the backoff — when to try each again — lives in memory, and a restart merely starts it
 * over.
 *
 * <p>A local snapshot is pending when it is named {@code <prefix>-<node>-<digits>[.zip]}, the S3 folder has no
 * object of that name, and it would be inside the S3 retention window if it were there (uploading one that
 * retention would prune at once is pointless). It stops being pending when the copy arrives or when it falls out of
 * that window (newer snapshots pushed it out, or the local file was pruned).
 */
public final class PendingUploads {

  /** The first retry of a snapshot comes this long after it was first seen pending. */
  public static final Duration FIRST_RETRY = Duration.ofSeconds(30);

  /** Retries back off, doubling, up to this. */
  public static final Duration MAX_RETRY = Duration.ofMinutes(10);

  private final Clock clock;
  private final Duration first;
  private final Duration max;
  private final Map<String, Attempts> attempts = new HashMap<>();

  public PendingUploads(Clock clock) {
    this(clock, FIRST_RETRY, MAX_RETRY);
  }

  public PendingUploads(Clock clock, Duration first, Duration max) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
    }
    this.clock = clock;
    this.first = first;
    this.max = max;
  }

  private record Attempts(int failures, Instant next) {}

  /**
   * The pending snapshots, oldest first.
   *
   * @param local the node's directory listing
   * @param remote the S3 folder's listing
   * @param s3Retention snapshots S3 keeps per the scope; below 1 keeps all
   * @param scope whose objects count towards {@code s3Retention}: the node's ({@code <prefix>-<node>-…}) or every
   *     object with the prefix
   */
  public static List<StoredSnapshot> select(Collection<StoredSnapshot> local, Collection<StoredSnapshot> remote,
      String prefix, String node, int s3Retention, RetentionScope scope) {
    Set<String> uploaded = new HashSet<>();
    remote.forEach(s -> uploaded.add(s.fileName()));
    List<StoredSnapshot> missing = local.stream()
        .filter(s -> SnapshotNames.isSnapshotOf(s.fileName(), prefix, node))
        .filter(s -> !uploaded.contains(s.fileName()))
        .toList();
    if (s3Retention >= 1) {
      Set<String> window = new HashSet<>();
      Stream.concat(remote.stream().filter(s -> counted(s, prefix, node, scope)), missing.stream())
          .sorted(Retention.NEWEST_FIRST).limit(s3Retention).forEach(s -> window.add(s.fileName()));
      missing = missing.stream().filter(s -> window.contains(s.fileName())).toList();
    }
    return missing.stream().sorted(Retention.NEWEST_FIRST.reversed()).toList();
  }

  private static boolean counted(StoredSnapshot s, String prefix, String node, RetentionScope scope) {
    return scope == RetentionScope.CLUSTER ? s.fileName().startsWith(prefix)
        : SnapshotNames.isSnapshotOf(s.fileName(), prefix, node);
  }

  /**
   * Takes the current pending set: forgets the backoff of snapshots no longer in it, starts one for those new to
   * it (first try after {@link #FIRST_RETRY}: the upload just failed), and returns those due now, oldest first.
   */
  public synchronized List<String> due(List<StoredSnapshot> pending) {
    Instant now = clock.instant();
    Set<String> names = new HashSet<>();
    pending.forEach(s -> names.add(s.fileName()));
    attempts.keySet().retainAll(names);
    for (String name : names) {
      attempts.computeIfAbsent(name, n -> new Attempts(0, now.plus(first)));
    }
    return pending.stream().map(StoredSnapshot::fileName)
        .filter(n -> !attempts.get(n).next().isAfter(now)).toList();
  }

  /** Another attempt failed: the next one waits twice as long as the last wait, at most {@link #MAX_RETRY}. */
  public synchronized void failed(String fileName) {
    int failures = attempts.containsKey(fileName) ? attempts.get(fileName).failures() + 1 : 1;
    attempts.put(fileName, new Attempts(failures, clock.instant().plus(backoff(failures))));
  }

  /** The wait after the {@code failures}-th failed attempt. */
  Duration backoff(int failures) {
    Duration wait = first;
    for (int i = 0; i < failures && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }

  /** The copy is there: no more attempts. */
  public synchronized void succeeded(String fileName) {
    attempts.remove(fileName);
  }

  /** When the next attempt of any pending snapshot is due; empty when none is pending. */
  public synchronized Optional<Instant> nextAttempt() {
    return attempts.values().stream().map(Attempts::next).min(Comparator.naturalOrder());
  }
}

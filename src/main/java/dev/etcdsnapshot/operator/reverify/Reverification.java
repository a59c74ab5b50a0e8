package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs re-verification rounds on a daemon thread of its own (never a JOSDK reconcile thread), one copy at a time;
 * closing it interrupts the round in progress. Rounds come every {@link #tick} of the interval, so copies that
 * fall due are picked up within an hour, while each copy is still checked about once per interval.
 */
public final class Reverification implements AutoCloseable {

  /** The most copies one round checks: a round's work is bounded, the rest wait for the next round. */
  public static final int MAX_PER_ROUND = 10;

  private final List<ScheduledExecutorService> timers;

  private Reverification(List<ScheduledExecutorService> timers) {
    this.timers = timers;
  }

  /**
   * The agent's rounds over its own node's local copies, and the leader's over the S3 copies (only while
   * {@code leading}). Local copies are read in place, inflating at most {@code tempBytes}; an S3 copy is downloaded
   * and (zipped) inflated into {@code tempDir}, at most half of {@code tempBytes} each, beside the agent's own use.
   */
  public static Reverification start(KubernetesClient client, Flavor flavor, LocalSnapshotStore local,
      S3Stores s3, Path tempDir, long tempBytes, SnapshotEvents events, SnapshotMetrics metrics, Clock clock,
      Duration interval, BooleanSupplier leading, VerdictListener listener) {
    String node = local.nodeName();
    Runnable agentRound = new ReverifyRound(client, flavor, node, new LocalCopies(local),
        new StoredCopyVerifier(tempDir, tempBytes), events, metrics, clock, interval, MAX_PER_ROUND, listener);
    Runnable leaderRound = new ReverifyRound(client, flavor, SnapshotLabels.STORAGE_NODE_S3,
        new S3Copies(s3, tempDir, tempBytes / 2), new StoredCopyVerifier(tempDir, tempBytes / 2), events, metrics,
        clock, interval, MAX_PER_ROUND, listener);
    List<ScheduledExecutorService> timers = new ArrayList<>();
    timer("reverify-local-" + node, agentRound, () -> true, interval, timers);
    timer("reverify-s3-" + node, leaderRound, leading, interval, timers);
    return new Reverification(List.copyOf(timers));
  }

  /** Schedules {@code round} (each only while {@code active} says so); a zero interval schedules nothing. */
  static void timer(String name, Runnable round, BooleanSupplier active, Duration interval,
      List<ScheduledExecutorService> timers) {
    if (!ReverifyPlan.enabled(interval)) {
      return;
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    long every = tick(interval).toMillis();
    timer.scheduleWithFixedDelay(() -> {
      if (active.getAsBoolean()) {
        round.run();
      }
    }, every, every, TimeUnit.MILLISECONDS);
    timers.add(timer);
  }

  /** How often a round looks for due copies: a tenth of the interval, between one minute and one hour. */
  static Duration tick(Duration interval) {
    Duration tenth = interval.dividedBy(10);
    Duration min = Duration.ofMinutes(1);
    Duration max = Duration.ofHours(1);
    return tenth.compareTo(min) < 0 ? (interval.compareTo(min) < 0 ? interval : min)
        : tenth.compareTo(max) > 0 ? max : tenth;
  }

  @Override
  public void close() {
    timers.forEach(ScheduledExecutorService::shutdownNow);
  }
}

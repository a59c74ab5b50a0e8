package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.RemoteCopy;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotInProgressException;
import dev.etcdsnapshot.engine.SnapshotReupload;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.s3.RemoteStores;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3ConfigException;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's retry of failed uploads, per schedule with S3: lists the node's directory and the S3 folder, works
 * out the pending snapshots ({@link PendingUploads}), uploads those due again through the engine's
 * {@link SnapshotReupload} and publishes each copy that arrives (its S3 ETCDSnapshotFile, replacing the failure
 * record). Storage is looked at after every run of the schedule, when an attempt is due, and at least every
 * {@link #RECHECK} otherwise (an S3 copy can go missing without a run).
 */
public final class UploadRetrier {

  private static final Logger LOG = LoggerFactory.getLogger(UploadRetrier.class);

  /** The longest a schedule's storage goes unchecked. */
  public static final Duration RECHECK = Duration.ofMinutes(5);

  private final String node;
  private final SnapshotEngine engine;
  private final SnapshotReupload reupload;
  private final S3Access s3;
  private final SnapshotPublisher publisher;
  private final SnapshotMetrics metrics;
  private final Supplier<SnapshotRunner.SaveContext> context;
  private final Clock clock;
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final InFlight inFlight;

  public UploadRetrier(String node, SnapshotEngine engine, S3Access s3,
      SnapshotPublisher publisher, SnapshotMetrics metrics, Supplier<SnapshotRunner.SaveContext> context,
      Clock clock, InFlight inFlight) {
    this.inFlight = inFlight;
    this.node = node;
    this.engine = engine;
    this.reupload = new SnapshotReupload(engine.localStore(), clock);
    this.s3 = s3;
    this.publisher = publisher;
    this.metrics = metrics;
    this.context = context;
    this.clock = clock;
  }

  /**
   * What a check found.
   *
   * @param pending the snapshots still without their S3 copy, oldest first
   * @param nextCheck when storage is to be looked at again
   */
  public record Report(List<StoredSnapshot> pending, Instant nextCheck) {
    public Report {
      pending = List.copyOf(pending);
    }
  }

  /** One schedule's backoff, the S3 names last listed (used while S3 cannot be listed) and the next check. */
  private static final class State {
    final PendingUploads uploads;
    List<StoredSnapshot> lastRemote = List.of();
    Instant nextCheck = Instant.MIN;

    State(Clock clock) {
      uploads = new PendingUploads(clock);
    }
  }

  /**
   * Checks one schedule's pending uploads and retries those due.
   *
   * @param key the schedule's identity (its UID)
   * @param job the schedule's settings as a job; without S3 nothing is pending
   * @param force look at storage now (a run just ended), whatever the backoff says
   * @return empty when it is not time to look yet, or the S3 settings cannot be used (the schedule's Ready
   *     condition says why)
   */
  public Optional<Report> check(String key, SnapshotJob job, boolean force) {
    Instant now = clock.instant();
    if (job.s3() == null) {
      states.remove(key);
      return Optional.of(new Report(List.of(), now.plus(RECHECK)));
    }
    State state = states.computeIfAbsent(key, k -> new State(clock));
    if (!force && now.isBefore(state.nextCheck)) {
      return Optional.empty();
    }
    RemoteStores.Opened opened;
    try {
      opened = s3.open(job.namespace(), job.s3());
    } catch (S3ConfigException e) {
      state.nextCheck = now.plus(RECHECK);
      return Optional.empty();
    }
    try {
      List<StoredSnapshot> pending = retry(state, job, opened);
      Instant next = state.uploads.nextAttempt().filter(t -> t.isBefore(now.plus(RECHECK)))
          .orElse(now.plus(RECHECK));
      state.nextCheck = next;
      return Optional.of(new Report(pending, next));
    } catch (IOException e) {
      LOG.warn("Cannot list the snapshot directory of node {} for pending uploads: {}", node, e.getMessage());
      state.nextCheck = now.plus(RECHECK);
      return Optional.empty();
    } finally {
      SnapshotRunner.closeQuietly(opened.store());
    }
  }

  private List<StoredSnapshot> retry(State state, SnapshotJob job, RemoteStores.Opened opened) throws IOException {
    SnapshotStore store = opened.store();
    int retention = SnapshotRunner.s3Retention(job, opened.retention());
    RemoteCopy remote = new RemoteCopy(store, retention, SnapshotRunner.scope(job));
    List<StoredSnapshot> local = engine.list();
    try {
      state.lastRemote = store.list();
    } catch (IOException | RuntimeException e) {
      // Unreachable S3 proves no copy: what was listed last (nothing, after a restart) is all that counts.
      LOG.debug("S3 listing for pending uploads of node {} failed: {}", node, e.getMessage());
    }
    List<StoredSnapshot> pending = new ArrayList<>(PendingUploads.select(local, state.lastRemote,
        job.namePrefix(), node, retention, remote.scope()));
    List<String> due = state.uploads.due(pending);
    if (due.isEmpty()) {
      return pending;
    }
    SnapshotRunner.SaveContext ctx = context.get();
    for (String fileName : due) {
      Optional<SaveResult> attempt;
      try {
        attempt = inFlight.run(() -> reupload.upload(fileName, job.namePrefix(), remote, ctx.clusterId(),
            ctx.tokenHash()));
      } catch (SnapshotInProgressException e) {
        break; // a save of the node is running; the next check tries again
      }
      if (attempt.isEmpty()) {
        break; // shutting down
      }
      SaveResult result = attempt.get();
      metrics.recordUpload(node, result);
      publisher.published(node, result, job.deletionPolicy(), Optional.of(opened.identity()));
      if (!result.created().isEmpty() || result.failures().isEmpty()) {
        state.uploads.succeeded(fileName); // uploaded, or the local file is gone: nothing left to upload
        List<StoredSnapshot> listed = new ArrayList<>(state.lastRemote);
        listed.addAll(result.created());
        state.lastRemote = listed;
        pending.removeIf(s -> s.fileName().equals(fileName));
      } else {
        state.uploads.failed(fileName);
      }
    }
    state.uploads.due(pending); // forget what is no longer pending
    return pending;
  }
}

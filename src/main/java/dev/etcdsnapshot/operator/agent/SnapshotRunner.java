package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.engine.RemoteCopy;
import dev.etcdsnapshot.engine.RetentionScope;
import dev.etcdsnapshot.engine.SaveRequest;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.engine.SnapshotInProgressException;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.model.S3RetentionScope;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.s3.RemoteStores;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3ConfigException;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.s3.S3Settings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one way to take a snapshot: reads the S3 configuration afresh, asks the engine to save (one save per
 * node at a time — the engine refuses a second), records metrics and hands the result to the publisher. A bad S3
 * configuration does not stop the local snapshot: it is reported in the outcome.
 *
 * <p>Reconcilers {@link #start} runs on the runner's own threads, never their own: a save of minutes then holds no
 * thread the reconciles of other resources need, and its outcome comes back through the returned future.
 */
public final class SnapshotRunner implements AutoCloseable {

  /**
   * Runs in flight at once: one saves, the others find the node busy at once and say so. Beyond this a run is
   * refused as busy too, so a burst of requests cannot start threads without bound.
   */
  static final int MAX_RUNS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRunner.class);

  private final String node;
  private final SnapshotEngine engine;
  private final S3Access s3;
  private final SnapshotPublisher publisher;
  private final SnapshotMetrics metrics;
  private final Supplier<SaveContext> context;
  private final InFlight inFlight;
  private final ContentCheck contentCheck;
  private final ContentProofRecorder proofRecorder;
  private final ThreadPoolExecutor threads;

  /**
   * @param context the per-save extras (cluster id, extra metadata); read before each save
   * @param inFlight where runs are tracked, so that shutdown interrupts them (an upload then aborts)
   * @param contentCheck proves a saved file against the member, for jobs with {@code verify: content}; null for none
   * @param proofRecorder writes a proof onto the snapshot's objects; null for none
   */
  public SnapshotRunner(String node, SnapshotEngine engine, S3Access s3,
      SnapshotPublisher publisher, SnapshotMetrics metrics, Supplier<SaveContext> context, InFlight inFlight,
      ContentCheck contentCheck, ContentProofRecorder proofRecorder) {
    this.inFlight = inFlight;
    this.contentCheck = contentCheck;
    this.proofRecorder = proofRecorder;
    this.node = node;
    this.engine = engine;
    this.s3 = s3;
    this.publisher = publisher;
    this.metrics = metrics;
    this.context = context;
    this.threads = new ThreadPoolExecutor(0, MAX_RUNS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new ThreadFactory() {
          private final AtomicInteger count = new AtomicInteger();

          @Override
          public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "snapshot-run-" + node + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
          }
        });
  }

  /** The node this runner saves. */
  public String node() {
    return node;
  }

  /**
   * Extras recorded with every snapshot.
   *
   * @param clusterId the cluster identity for S3 metadata, or {@code null}
   * @param tokenHash the server token hash, or {@code null}
   * @param extraMetadata k3s's extra-metadata ConfigMap data
   */
  public record SaveContext(String clusterId, String tokenHash, Map<String, String> extraMetadata) {}

  /**
   * Takes one snapshot for the job on one of the runner's threads. The future always completes normally: an
   * unexpected error is a Failed outcome, more runs than {@link #MAX_RUNS} a Skipped one (the node is busy).
   */
  public CompletableFuture<RunOutcome> start(SnapshotJob job) {
    try {
      return CompletableFuture.supplyAsync(() -> run(job), threads).exceptionally(e -> {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.warn("A snapshot run on node {} failed unexpectedly", node, cause);
        return new RunOutcome(RunOutcome.Kind.FAILED, "", List.of(), "the snapshot run on node " + node
            + " failed unexpectedly (" + cause.getClass().getSimpleName() + "); the agent's log has the details",
            Optional.empty());
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(new RunOutcome(RunOutcome.Kind.SKIPPED, "", List.of(),
          "a snapshot of node " + node + " is already running", Optional.empty()));
    }
  }

  /**
   * Runs other snapshot work (a schedule's retried uploads) on the runner's threads; empty when all are busy (the
   * caller tries again at its next look).
   */
  public Optional<CompletableFuture<Void>> startOther(Runnable work) {
    try {
      return Optional.of(CompletableFuture.runAsync(work, threads));
    } catch (RejectedExecutionException e) {
      return Optional.empty();
    }
  }

  /** Refuses new runs; those running end on their own (shutdown interrupts them through {@link InFlight}). */
  @Override
  public void close() {
    threads.shutdown();
  }

  /** Takes one snapshot for the job on this thread; skipped when the operator is shutting down. */
  public RunOutcome run(SnapshotJob job) {
    return inFlight.run(() -> runNow(job)).orElseGet(() -> new RunOutcome(RunOutcome.Kind.SKIPPED, "", List.of(),
        "the operator on node " + node + " is shutting down", Optional.empty()));
  }

  private RunOutcome runNow(SnapshotJob job) {
    Optional<String> s3Problem = Optional.empty();
    Optional<S3StoreIdentity> s3Description = Optional.empty();
    SnapshotStore store = null;
    OptionalInt secretRetention = OptionalInt.empty();
    if (job.s3() != null) {
      try {
        RemoteStores.Opened opened = s3.open(job.namespace(), job.s3());
        store = opened.store();
        secretRetention = opened.retention();
        s3Description = Optional.of(opened.identity());
      } catch (S3ConfigException e) {
        s3Problem = Optional.of(e.getMessage());
        metrics.recordFailure(node, StorageKind.S3, "config");
      }
    }
    try {
      return save(job, store, secretRetention, s3Problem, s3Description);
    } finally {
      closeQuietly(store);
    }
  }

  private RunOutcome save(SnapshotJob job, SnapshotStore store, OptionalInt secretRetention,
      Optional<String> s3Problem, Optional<S3StoreIdentity> s3Description) {
    SaveContext ctx = context.get();
    Optional<RemoteCopy> remote = Optional.ofNullable(store)
        .map(s -> new RemoteCopy(s, s3Retention(job, secretRetention), scope(job)));
    SaveRequest request = new SaveRequest(job.trigger(), job.namePrefix(), job.compress(), job.localRetention(),
        ctx.extraMetadata(), ctx.tokenHash(), ctx.clusterId(), remote);
    long started = System.nanoTime();
    SaveResult result;
    try {
      result = engine.save(request);
    } catch (SnapshotInProgressException e) {
      return new RunOutcome(RunOutcome.Kind.SKIPPED, "", List.of(),
          "a snapshot of node " + node + " is already running", s3Problem);
    } catch (IllegalArgumentException e) {
      return new RunOutcome(RunOutcome.Kind.FAILED, "", List.of(), e.getMessage(), s3Problem);
    }
    metrics.recordSave(node, job.trigger(), remote.isPresent(), result, Duration.ofNanos(System.nanoTime() - started));
    if (s3Problem.isPresent() && result.savedLocally() && !result.created().isEmpty()) {
      result = withS3ClientFailure(result, s3Problem.get());
    }
    List<String> objects = publisher.published(node, result, job.deletionPolicy(), s3Description);
    List<String> problems = new ArrayList<>(result.failures().stream().map(SnapshotFailure::message).toList());
    if (s3Problem.isPresent() && result.failures().stream()
        .noneMatch(f -> f.stage() == SnapshotFailure.Stage.S3_CLIENT)) {
      problems.add("S3 copy not attempted: " + s3Problem.get());
    }
    Optional<ContentProof> proof = prove(job, result, objects);
    proof.filter(ContentProof::failed).ifPresent(p -> problems.add(p.message()));
    RunOutcome.Kind kind = problems.isEmpty() ? RunOutcome.Kind.SUCCEEDED : RunOutcome.Kind.FAILED;
    return new RunOutcome(kind, result.fileName(), objects, problems.stream().collect(Collectors.joining("; ")),
        s3Problem, proof);
  }

  /**
   * After a save that left a local file: the content proof, recorded on the snapshot's objects (local and S3: the
   * same bytes) and in the metrics. A mismatch makes the run a failure; a compaction past the revision does not.
   */
  private Optional<ContentProof> prove(SnapshotJob job, SaveResult result, List<String> objects) {
    if (!job.proveContent() || contentCheck == null || !result.savedLocally()) {
      return Optional.empty();
    }
    ContentProof proof = contentCheck.prove(result.fileName());
    metrics.recordContentProof(node, proof);
    if (proofRecorder != null) {
      proofRecorder.record(objects, proof);
    }
    if (!proof.verified()) {
      LOG.warn("Snapshot {} on node {}: {}", result.fileName(), node, proof.message());
    }
    return Optional.of(proof);
  }

  /**
   * The save with the failure record k3s makes when its S3 client cannot be built (pkg/etcd/snapshot.go): named
   * after the saved file ({@code .zip} included), node {@code s3}, empty location, the snapshot's time and k3s's
   * message {@code failed to initialize S3 client: <cause>}.
   */
  private static SaveResult withS3ClientFailure(SaveResult result, String problem) {
    String fileName = result.created().get(0).fileName();
    Instant time = SnapshotNames.parseTimestamp(fileName).orElse(result.created().get(0).createdAt());
    List<SnapshotFailure> failures = new ArrayList<>(result.failures());
    failures.add(new SnapshotFailure(SnapshotFailure.Stage.S3_CLIENT, StorageKind.S3, fileName, "", time,
        "S3 copy not attempted: " + problem, "failed to initialize S3 client: " + problem));
    return new SaveResult(result.fileName(), result.created(), result.pruned(), failures);
  }


  /**
   * S3 snapshots to keep: the schedule's {@code s3.retention} when set, else the Secret's {@code etcd-s3-retention},
   * else 5; none (0, keep all) for on-demand snapshots ({@link SnapshotTrigger#retention}). The CRD gives
   * {@code s3.retention} no default, so an unset field really is unset here.
   */
  static int s3Retention(SnapshotJob job, OptionalInt secretRetention) {
    int configured = job.s3().getRetention() != null ? job.s3().getRetention()
        : secretRetention.orElse(S3Settings.DEFAULT_RETENTION);
    return job.trigger().retention(job.namePrefix(), configured);
  }

  static RetentionScope scope(SnapshotJob job) {
    return job.s3().getRetentionScope() == S3RetentionScope.CLUSTER ? RetentionScope.CLUSTER : RetentionScope.NODE;
  }

  static void closeQuietly(SnapshotStore store) {
    if (store == null) {
      return;
    }
    try {
      store.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the S3 store failed", e);
    }
  }
}

package dev.etcdsnapshot.operator.request;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.operator.agent.BackgroundWork;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's side of a request, for its own node: reacts to the request's creation (an informer event, not a
 * poll), claims the node's result entry, takes one snapshot (on the runner's threads: the reconcile returns, and
 * the run's end brings the request back) and writes the node's result. A request already
 * finished, or whose entry for this node exists, is left alone, so applying it again changes nothing.
 */
public final class RequestAgentReconciler implements Reconciler<EtcdSnapshotRequest> {

  /**
   * How long a request waits, retrying, for another snapshot of the node to end before its result says Failed: a
   * bound, so a save that never ends does not keep a request Pending forever.
   */
  public static final Duration MAX_BUSY_WAIT = Duration.ofMinutes(30);

  private final String node;
  private final String agent;
  private final ScheduleCache schedules;
  private final SnapshotRunner runner;
  private final StatusWriter writer;
  private final ResourceEvents events;
  private final Clock clock;
  private final Duration maxBusyWait;
  private final Duration busyRetry;
  /** When each request of this process first found the node busy, by uid; dropped when it runs. */
  private final Map<String, Instant> busySince = new ConcurrentHashMap<>();
  /** The runs going, and those that ended until the reconcile their end triggers records them. */
  private final BackgroundWork<EtcdSnapshotRequest, Ended> runs = new BackgroundWork<>();

  /**
   * @param agent this pod's identity, recorded with the claim
   * @param clock measures how long a request has waited for a busy node
   * @param maxBusyWait how long a request retries while another snapshot of the node runs, then fails
   * @param busyRetry how soon a request is tried again while another snapshot of the node runs
   */
  public RequestAgentReconciler(String node, String agent, ScheduleCache schedules, SnapshotRunner runner,
      StatusWriter writer, ResourceEvents events, Clock clock, Duration maxBusyWait, Duration busyRetry) {
    this.clock = clock;
    this.maxBusyWait = maxBusyWait;
    this.busyRetry = busyRetry;
    this.node = node;
    this.agent = agent;
    this.schedules = schedules;
    this.runner = runner;
    this.writer = writer;
    this.events = events;
  }

  @Override
  public List<EventSource<?, EtcdSnapshotRequest>> prepareEventSources(EventSourceContext<EtcdSnapshotRequest> ctx) {
    return List.of(runs.eventSource());
  }

  @Override
  public UpdateControl<EtcdSnapshotRequest> reconcile(EtcdSnapshotRequest request,
      Context<EtcdSnapshotRequest> context) {
    if (RequestResults.finished(request)) {
      runs.forget(request);
      return UpdateControl.noUpdate();
    }
    Optional<Ended> ended = runs.takeResult(request);
    if (ended.isPresent()) {
      return record(request, ended.get().outcome(), ended.get().proofAsked());
    }
    if (runs.isRunning(request)) {
      return UpdateControl.noUpdate(); // its end brings the request back
    }
    RequestSettings settings;
    try {
      settings = RequestSettings.of(schedules, request);
    } catch (IllegalArgumentException e) {
      if (RequestSettings.selectsByOwnSpec(request, node)) {
        finish(request, RequestPhase.FAILED, "", List.of(), e.getMessage());
      }
      return UpdateControl.noUpdate();
    }
    if (!settings.selects(node)) {
      return UpdateControl.noUpdate();
    }
    Optional<NodeSnapshotResult> mine = RequestResults.result(request, node);
    if (mine.isPresent() && mine.get().getPhase() == RequestPhase.RUNNING && agent.equals(mine.get().getAgent())
        && !runs.isRunning(request)) {
      // This pod claimed it before a restart: the snapshot it started is lost; say so rather than retry silently.
      finish(request, RequestPhase.FAILED, "", List.of(),
          "the agent restarted while taking the snapshot; create a new request to retry");
      return UpdateControl.noUpdate();
    }
    Optional<EtcdSnapshotRequest> claimed = claim(request);
    if (claimed.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    start(claimed.get(), settings);
    return UpdateControl.noUpdate();
  }

  /** A run's outcome, and whether its request asked for the content proof (how a missing proof is worded). */
  private record Ended(RunOutcome outcome, boolean proofAsked) {}

  /**
   * Starts the run on the runner's threads; its end holds the outcome and brings the request back, whose reconcile
   * records it.
   */
  private void start(EtcdSnapshotRequest request, RequestSettings settings) {
    runs.track(request, runner.start(settings.job(request.getMetadata().getNamespace()))
        .thenApply(outcome -> new Ended(outcome, settings.proveContent())));
  }

  /** Records a run's outcome in the request's result; a busy node is retried, for at most the busy bound. */
  private UpdateControl<EtcdSnapshotRequest> record(EtcdSnapshotRequest request, RunOutcome outcome,
      boolean proofAsked) {
    String uid = request.getMetadata().getUid();
    switch (outcome.kind()) {
      case SKIPPED -> {
        Instant now = clock.instant();
        Instant since = busySince.computeIfAbsent(uid, k -> now);
        if (Duration.between(since, now).compareTo(maxBusyWait) < 0) {
          finish(request, RequestPhase.PENDING, "", List.of(), outcome.message() + "; retrying");
          return UpdateControl.<EtcdSnapshotRequest>noUpdate().rescheduleAfter(busyRetry);
        }
        busySince.remove(uid);
        String why = outcome.message() + "; gave up after retrying for " + maxBusyWait
            + " (the most a request waits for another snapshot of the node to end); create a new request to retry";
        finish(request, RequestPhase.FAILED, "", List.of(), why);
        events.warning(request, ResourceEvents.SNAPSHOT_FAILED, "Snapshot on node " + node + " failed: " + why);
        return UpdateControl.noUpdate();
      }
      case SUCCEEDED -> {
        busySince.remove(uid);
        finish(request, RequestPhase.SUCCEEDED, outcome.fileName(), outcome.objectNames(), "",
            RequestResults.describeProof(outcome.proof(), proofAsked));
        events.normal(request, ResourceEvents.SNAPSHOT_TAKEN,
            "Snapshot " + outcome.fileName() + " taken on node " + node);
      }
      default -> {
        busySince.remove(uid);
        finish(request, RequestPhase.FAILED, outcome.fileName(), outcome.objectNames(), outcome.message(),
            outcome.proof().map(p -> RequestResults.describeProof(outcome.proof(), true)).orElse(null));
        events.warning(request, ResourceEvents.SNAPSHOT_FAILED,
            "Snapshot on node " + node + " failed: " + outcome.message());
      }
    }
    outcome.s3Problem().ifPresent(p -> events.warning(request, ResourceEvents.S3_SECRET_INVALID, p));
    return UpdateControl.noUpdate();
  }

  private Optional<EtcdSnapshotRequest> claim(EtcdSnapshotRequest request) {
    AtomicBoolean won = new AtomicBoolean();
    Optional<EtcdSnapshotRequest> written = writer.update(request, r -> {
      won.set(RequestResults.claim(r, node, agent));
      return won.get();
    });
    return won.get() ? written : Optional.empty();
  }

  private void finish(EtcdSnapshotRequest request, RequestPhase phase, String snapshotName, List<String> files,
      String message) {
    finish(request, phase, snapshotName, files, message, null);
  }

  private void finish(EtcdSnapshotRequest request, RequestPhase phase, String snapshotName, List<String> files,
      String message, String contentProof) {
    writer.update(request, r -> !RequestResults.finished(r)
        && RequestResults.record(r, node, agent, phase, snapshotName, files, message, contentProof));
  }
}

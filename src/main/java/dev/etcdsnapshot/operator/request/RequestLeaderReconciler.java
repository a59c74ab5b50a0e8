package dev.etcdsnapshot.operator.request;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leader's side of requests: aggregates the nodes' results into the phase (Pending, Running, Succeeded,
 * Failed), fails nodes without a live agent instead of waiting for them, and deletes finished requests once their
 * {@code ttlSecondsAfterFinished} has passed. Registered with generation-awareness off, since it must see the
 * agents' status writes.
 */
public final class RequestLeaderReconciler implements Reconciler<EtcdSnapshotRequest> {

  private final KubernetesClient client;
  private final ScheduleCache schedules;
  private final Clock clock;
  private final AgentLeases leases;
  private final StatusWriter writer;
  private final ResourceEvents events;
  private final Duration agentGrace;
  private final Duration recheck;

  /**
   * @param agentGrace how long after its creation a request waits for agents that have no Lease yet
   * @param recheck how often an unfinished request is looked at again, to notice agents that went away
   */
  public RequestLeaderReconciler(KubernetesClient client, ScheduleCache schedules, Clock clock, AgentLeases leases,
      StatusWriter writer, ResourceEvents events, Duration agentGrace, Duration recheck) {
    this.client = client;
    this.schedules = schedules;
    this.clock = clock;
    this.leases = leases;
    this.writer = writer;
    this.events = events;
    this.agentGrace = agentGrace;
    this.recheck = recheck;
  }

  @Override
  public UpdateControl<EtcdSnapshotRequest> reconcile(EtcdSnapshotRequest request,
      Context<EtcdSnapshotRequest> context) {
    if (RequestResults.finished(request)) {
      return expire(request);
    }
    List<String> selected;
    try {
      selected = RequestSettings.of(schedules, request).nodes();
    } catch (IllegalArgumentException e) {
      selected = request.getSpec() == null || request.getSpec().getNodes() == null ? List.of()
          : request.getSpec().getNodes();
    }
    Map<String, String> live = leases.liveAgents();
    Instant now = clock.instant();
    List<String> unavailable = new ArrayList<>();
    List<String> nodes = selected;
    java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
    Optional<EtcdSnapshotRequest> written = writer.update(request, r -> {
      changed.set(RequestProgress.update(r, nodes, live, now, agentGrace, unavailable));
      return changed.get();
    });
    unavailable.forEach(why -> events.warning(request, ResourceEvents.NODE_UNAVAILABLE, why));
    if (written.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    if (RequestResults.finished(written.get())) {
      if (changed.get()) {
        finishedEvent(written.get());
      }
      return expire(written.get());
    }
    return UpdateControl.<EtcdSnapshotRequest>noUpdate().rescheduleAfter(recheck);
  }

  private void finishedEvent(EtcdSnapshotRequest request) {
    var st = request.getStatus();
    if (st.getPhase() == RequestPhase.SUCCEEDED) {
      events.normal(request, "RequestSucceeded", "Snapshots taken on " + st.getProgress() + " nodes");
    } else {
      String why = st.getConditions() == null ? "" : st.getConditions().stream()
          .filter(c -> RequestProgress.FAILED.equals(c.getType())).map(c -> ": " + c.getMessage())
          .findFirst().orElse("");
      events.warning(request, "RequestFailed", "Request failed" + why);
    }
  }

  /** Deletes a finished request whose TTL has passed, or comes back when it will have. */
  private UpdateControl<EtcdSnapshotRequest> expire(EtcdSnapshotRequest request) {
    Integer ttl = request.getSpec() == null ? null : request.getSpec().getTtlSecondsAfterFinished();
    String completed = request.getStatus().getCompletionTime();
    if (ttl == null || completed == null) {
      return UpdateControl.noUpdate();
    }
    Duration left = Duration.between(clock.instant(), Instant.parse(completed).plusSeconds(ttl));
    if (left.isNegative() || left.isZero()) {
      client.resource(request).delete();
      return UpdateControl.noUpdate();
    }
    return UpdateControl.<EtcdSnapshotRequest>noUpdate().rescheduleAfter(left.compareTo(recheck) < 0 ? left : recheck);
  }
}

package dev.etcdsnapshot.operator.request;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestStatus;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The leader's view of a request: which nodes it waits for, which of them cannot answer, and the overall phase.
 *
 * <p>"All nodes" (no {@code nodes} in the spec) means the nodes whose agent Lease is valid, plus any node that
 * already wrote a result. A selected node without a live agent is failed with the reason instead of being waited on
 * forever, and so is a node whose agent went away (or was replaced) while it held the snapshot. Right after the
 * request is created, nodes without a Lease get {@code agentGrace} to show up before they are failed.
 */
public final class RequestProgress {

  /** {@code Complete}: every selected node succeeded. */
  public static final String COMPLETE = "Complete";
  /** {@code Failed}: a selected node failed or had no live agent. */
  public static final String FAILED = "Failed";

  private RequestProgress() {}

  /**
   * Brings the request's status up to date; returns whether it changed.
   *
   * @param selected the request's own node selection (empty: all nodes with a live agent)
   * @param liveAgents node name to the identity of its live agent
   */
  public static boolean update(EtcdSnapshotRequest request, List<String> selected, Map<String, String> liveAgents,
      Instant now, Duration agentGrace) {
    return update(request, selected, liveAgents, now, agentGrace, new ArrayList<>());
  }

  /** As {@link #update(EtcdSnapshotRequest, List, Map, Instant, Duration)}, adding to {@code failedNodes} the
   * messages of nodes it failed for being unavailable. */
  public static boolean update(EtcdSnapshotRequest request, List<String> selected, Map<String, String> liveAgents,
      Instant now, Duration agentGrace, List<String> failedNodes) {
    if (RequestResults.finished(request)) {
      return false;
    }
    boolean changed = false;
    Instant created = Instant.parse(request.getMetadata().getCreationTimestamp());
    boolean inGrace = now.isBefore(created.plus(agentGrace));
    Set<String> expected = expected(request, selected, liveAgents);
    for (String node : expected) {
      Optional<NodeSnapshotResult> r = RequestResults.result(request, node);
      String agent = liveAgents.get(node);
      String why = null;
      if (r.isEmpty() && agent == null && !inGrace) {
        why = "no live agent on node " + node + " (its Lease is missing or expired); not waited for";
      } else if (r.isPresent() && r.get().getPhase() == RequestPhase.RUNNING
          && !Objects.equals(agent, r.get().getAgent())) {
        why = "the agent on node " + node + " stopped while taking the snapshot";
      }
      if (why != null && RequestResults.unavailable(request, node, why)) {
        failedNodes.add(why);
        changed = true;
      }
    }
    return changed | summarize(request, expected, now, inGrace);
  }

  static Set<String> expected(EtcdSnapshotRequest request, List<String> selected, Map<String, String> liveAgents) {
    Set<String> nodes = new TreeSet<>(selected);
    if (nodes.isEmpty()) {
      nodes.addAll(liveAgents.keySet());
      EtcdSnapshotRequestStatus st = request.getStatus();
      if (st != null && st.getResults() != null) {
        st.getResults().forEach(r -> nodes.add(r.getNode()));
      }
    }
    return nodes;
  }

  private static boolean summarize(EtcdSnapshotRequest request, Set<String> expected, Instant now, boolean inGrace) {
    EtcdSnapshotRequestStatus before = copy(request.getStatus());
    EtcdSnapshotRequestStatus st = request.getStatus() == null ? new EtcdSnapshotRequestStatus() : request.getStatus();
    request.setStatus(st);
    List<NodeSnapshotResult> results = expected.stream().map(n -> RequestResults.result(request, n))
        .flatMap(Optional::stream).toList();
    long done = results.stream().filter(r -> r.getPhase() == RequestPhase.SUCCEEDED
        || r.getPhase() == RequestPhase.FAILED).count();
    boolean started = results.stream().anyMatch(r -> r.getPhase() != RequestPhase.PENDING);
    st.setProgress(done + "/" + expected.size());
    st.setObservedGeneration(request.getMetadata().getGeneration());
    if (started && st.getStartTime() == null) {
      st.setStartTime(now.toString());
    }
    if (expected.isEmpty()) {
      if (!inGrace) {
        finish(request, st, RequestPhase.FAILED, "NoAgents", "no etcd node has a live agent", now);
      } else {
        st.setPhase(RequestPhase.PENDING);
      }
    } else if (done == expected.size()) {
      List<String> failed = results.stream().filter(r -> r.getPhase() == RequestPhase.FAILED)
          .map(r -> r.getNode() + ": " + (r.getMessage() == null ? "failed" : r.getMessage())).toList();
      if (failed.isEmpty()) {
        finish(request, st, RequestPhase.SUCCEEDED, "SnapshotsTaken",
            "snapshots taken on " + String.join(", ", expected), now);
      } else {
        finish(request, st, RequestPhase.FAILED, "SnapshotFailed", String.join("; ", failed), now);
      }
    } else {
      st.setPhase(started ? RequestPhase.RUNNING : RequestPhase.PENDING);
    }
    return !st.equals(before);
  }

  private static void finish(EtcdSnapshotRequest request, EtcdSnapshotRequestStatus st, RequestPhase phase,
      String reason, String message, Instant now) {
    st.setPhase(phase);
    st.setCompletionTime(now.toString());
    if (st.getStartTime() == null) {
      st.setStartTime(now.toString());
    }
    Long gen = request.getMetadata().getGeneration();
    List<Condition> c = st.getConditions();
    c = Conditions.set(c, COMPLETE, phase == RequestPhase.SUCCEEDED, reason, message, gen, now).orElse(c);
    c = Conditions.set(c, FAILED, phase == RequestPhase.FAILED, reason, message, gen, now).orElse(c);
    st.setConditions(c);
  }

  private static EtcdSnapshotRequestStatus copy(EtcdSnapshotRequestStatus st) {
    if (st == null) {
      return null;
    }
    EtcdSnapshotRequestStatus c = new EtcdSnapshotRequestStatus();
    c.setPhase(st.getPhase());
    c.setProgress(st.getProgress());
    c.setResults(st.getResults() == null ? null : new ArrayList<>(st.getResults()));
    c.setStartTime(st.getStartTime());
    c.setCompletionTime(st.getCompletionTime());
    c.setConditions(st.getConditions() == null ? null : new ArrayList<>(st.getConditions()));
    c.setObservedGeneration(st.getObservedGeneration());
    return c;
  }
}

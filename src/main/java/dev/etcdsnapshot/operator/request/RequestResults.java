package dev.etcdsnapshot.operator.request;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestStatus;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The per-node results of a request and the changes agents and the leader make to them, each on a copy of the
 * latest object, saying whether anything changed.
 */
public final class RequestResults {

  private RequestResults() {}

  /** The node's result, if it has one. */
  public static Optional<NodeSnapshotResult> result(EtcdSnapshotRequest request, String node) {
    EtcdSnapshotRequestStatus st = request.getStatus();
    if (st == null || st.getResults() == null) {
      return Optional.empty();
    }
    return st.getResults().stream().filter(r -> node.equals(r.getNode())).findFirst();
  }

  /** True when the request as a whole has finished. */
  public static boolean finished(EtcdSnapshotRequest request) {
    RequestPhase p = request.getStatus() == null ? null : request.getStatus().getPhase();
    return p == RequestPhase.SUCCEEDED || p == RequestPhase.FAILED;
  }

  /**
   * Claims the node's snapshot for {@code agent}: only when the node has no result yet, or one left Pending (a
   * previous try found another snapshot running). False when someone else holds it or it finished.
   */
  public static boolean claim(EtcdSnapshotRequest request, String node, String agent) {
    if (finished(request)) {
      return false;
    }
    Optional<NodeSnapshotResult> existing = result(request, node);
    if (existing.isPresent() && existing.get().getPhase() != RequestPhase.PENDING) {
      return false;
    }
    NodeSnapshotResult r = resultFor(request, node);
    r.setPhase(RequestPhase.RUNNING);
    r.setAgent(agent);
    r.setMessage(null);
    return true;
  }

  /** Sets the node's result if it is still held by {@code agent}; false otherwise. */
  public static boolean record(EtcdSnapshotRequest request, String node, String agent, RequestPhase phase,
      String snapshotName, List<String> files, String message) {
    return record(request, node, agent, phase, snapshotName, files, message, null);
  }

  /** As above, with the saved snapshot's content proof ({@link #describeProof}); null leaves it unset. */
  public static boolean record(EtcdSnapshotRequest request, String node, String agent, RequestPhase phase,
      String snapshotName, List<String> files, String message, String contentProof) {
    NodeSnapshotResult r = resultFor(request, node);
    if (r.getAgent() != null && !r.getAgent().equals(agent)) {
      return false;
    }
    r.setAgent(agent);
    r.setPhase(phase);
    r.setSnapshotName(snapshotName == null || snapshotName.isEmpty() ? null : snapshotName);
    r.setSnapshotFiles(files == null || files.isEmpty() ? null : List.copyOf(files));
    r.setMessage(message == null || message.isEmpty() ? null : message);
    r.setContentProof(contentProof);
    return true;
  }

  /**
   * The status line of a saved snapshot's content proof: {@code verified at revision R, kv hash H}, or
   * {@code not proven: } and why — the proof's own sentence, or {@code verify is trailer} when none was asked for.
   */
  public static String describeProof(Optional<ContentProof> proof, boolean asked) {
    if (proof.isEmpty()) {
      return asked ? "not proven: no local copy was saved to prove" : "not proven: verify is trailer";
    }
    ContentProof p = proof.get();
    return p.verified() ? "verified at revision " + p.revision() + ", kv hash " + p.hashHex()
        : "not proven: " + p.message();
  }

  /** Marks a node that cannot take part (no live agent, or its agent went away) as failed with the reason. */
  public static boolean unavailable(EtcdSnapshotRequest request, String node, String message) {
    NodeSnapshotResult r = resultFor(request, node);
    if (r.getPhase() == RequestPhase.SUCCEEDED || r.getPhase() == RequestPhase.FAILED) {
      return false;
    }
    r.setPhase(RequestPhase.FAILED);
    r.setMessage(message);
    return true;
  }

  static NodeSnapshotResult resultFor(EtcdSnapshotRequest request, String node) {
    if (request.getStatus() == null) {
      request.setStatus(new EtcdSnapshotRequestStatus());
    }
    EtcdSnapshotRequestStatus st = request.getStatus();
    List<NodeSnapshotResult> results = st.getResults() == null ? new ArrayList<>() : new ArrayList<>(st.getResults());
    st.setResults(results);
    return results.stream().filter(r -> node.equals(r.getNode())).findFirst().orElseGet(() -> {
      NodeSnapshotResult r = new NodeSnapshotResult();
      r.setNode(node);
      results.add(r);
      results.sort(Comparator.comparing(NodeSnapshotResult::getNode));
      return r;
    });
  }
}

package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** What one node did for an ETCDSnapshotRequest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"node", "phase", "agent", "snapshotName", "snapshotFiles", "contentProof", "message"})
public class NodeSnapshotResult {

  @Required
  @JsonPropertyDescription("Node is the node's name.")
  private String node;

  @JsonPropertyDescription("Phase is where this node's snapshot stands: Pending, Running, Succeeded or Failed.")
  private RequestPhase phase;

  @JsonPropertyDescription("Agent is the operator pod that took, or is taking, this node's snapshot; a Running entry whose agent is no longer the node's live agent is reported as failed.")
  private String agent;

  @JsonPropertyDescription("SnapshotName is the snapshot's file name, with .zip when compressed.")
  private String snapshotName;

  @JsonPropertyDescription("SnapshotFiles are the names of the ETCDSnapshotFile objects made for it (local and S3, or the failure records).")
  private List<String> snapshotFiles;

  @JsonPropertyDescription("ContentProof is the content proof of the saved snapshot: 'verified at revision R, kv hash H' when its KV hash equals the live member's HashKV, otherwise 'not proven: ' and why (verify: trailer, no local copy, member compacted past the revision or unreachable, content mismatch).")
  private String contentProof;

  @JsonPropertyDescription("Message says what went wrong, or why the node was not waited for; never a credential.")
  private String message;

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public RequestPhase getPhase() {
    return phase;
  }

  public void setPhase(RequestPhase phase) {
    this.phase = phase;
  }

  public String getAgent() {
    return agent;
  }

  public void setAgent(String agent) {
    this.agent = agent;
  }

  public String getSnapshotName() {
    return snapshotName;
  }

  public void setSnapshotName(String snapshotName) {
    this.snapshotName = snapshotName;
  }

  public List<String> getSnapshotFiles() {
    return snapshotFiles;
  }

  public void setSnapshotFiles(List<String> snapshotFiles) {
    this.snapshotFiles = snapshotFiles;
  }

  public String getContentProof() {
    return contentProof;
  }

  public void setContentProof(String contentProof) {
    this.contentProof = contentProof;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeSnapshotResult other
        && Objects.equals(node, other.node)
        && Objects.equals(phase, other.phase)
        && Objects.equals(agent, other.agent)
        && Objects.equals(snapshotName, other.snapshotName)
        && Objects.equals(snapshotFiles, other.snapshotFiles)
        && Objects.equals(contentProof, other.contentProof)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, phase, agent, snapshotName, snapshotFiles, contentProof, message);
  }

  @Override
  public String toString() {
    return "NodeSnapshotResult{" + "node=" + node + ", " + "phase=" + phase + ", " + "agent=" + agent + ", " + "snapshotName=" + snapshotName + ", " + "snapshotFiles=" + snapshotFiles + ", " + "contentProof=" + contentProof + ", " + "message=" + message + "}";
  }
}

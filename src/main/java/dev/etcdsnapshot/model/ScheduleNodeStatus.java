package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/**
 * One node's part of an ETCDSnapshotSchedule: the slot it claimed last and how that run ended. An agent claims a
 * slot by writing {@code lastScheduleTime} here with optimistic concurrency before it starts the snapshot, which is
 * what keeps a slot from running twice on a node across restarts and leader changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"node", "agent", "lastScheduleTime", "phase", "lastSuccessTime", "lastSnapshotNames", "message", "pendingUploads"})
public class ScheduleNodeStatus {

  @Required
  @JsonPropertyDescription("Node is the node's name.")
  private String node;

  @JsonPropertyDescription("Agent is the operator pod that claimed the slot; a Running entry whose agent restarted or is gone is marked Failed.")
  private String agent;

  @JsonPropertyDescription("LastScheduleTime is the slot (RFC3339) this node last claimed; a slot at or before it is never run again on this node.")
  private String lastScheduleTime;

  @JsonPropertyDescription("Phase is how the run of that slot stands: Running, Succeeded, Failed, Skipped (another snapshot of the node was running) or Missed (the operator was down past the starting deadline).")
  private String phase;

  @JsonPropertyDescription("LastSuccessTime is when this node last saved a scheduled snapshot with every copy asked for (RFC3339).")
  private String lastSuccessTime;

  @JsonPropertyDescription("LastSnapshotNames are the ETCDSnapshotFile names this node's last run made.")
  private List<String> lastSnapshotNames;

  @JsonPropertyDescription("Message says what went wrong in the last run; never a credential.")
  private String message;

  @JsonPropertyDescription("PendingUploads counts this node's local snapshots whose S3 copy is missing (a failed upload) and that the agent uploads again with backoff; absent when there are none.")
  private PendingUploadsStatus pendingUploads;

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getAgent() {
    return agent;
  }

  public void setAgent(String agent) {
    this.agent = agent;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getLastSuccessTime() {
    return lastSuccessTime;
  }

  public void setLastSuccessTime(String lastSuccessTime) {
    this.lastSuccessTime = lastSuccessTime;
  }

  public List<String> getLastSnapshotNames() {
    return lastSnapshotNames;
  }

  public void setLastSnapshotNames(List<String> lastSnapshotNames) {
    this.lastSnapshotNames = lastSnapshotNames;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public PendingUploadsStatus getPendingUploads() {
    return pendingUploads;
  }

  public void setPendingUploads(PendingUploadsStatus pendingUploads) {
    this.pendingUploads = pendingUploads;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScheduleNodeStatus other
        && Objects.equals(node, other.node)
        && Objects.equals(agent, other.agent)
        && Objects.equals(lastScheduleTime, other.lastScheduleTime)
        && Objects.equals(phase, other.phase)
        && Objects.equals(lastSuccessTime, other.lastSuccessTime)
        && Objects.equals(lastSnapshotNames, other.lastSnapshotNames)
        && Objects.equals(message, other.message)
        && Objects.equals(pendingUploads, other.pendingUploads);
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, agent, lastScheduleTime, phase, lastSuccessTime, lastSnapshotNames, message, pendingUploads);
  }

  @Override
  public String toString() {
    return "ScheduleNodeStatus{node=" + node + ", agent=" + agent + ", lastScheduleTime=" + lastScheduleTime + ", phase=" + phase
        + ", lastSuccessTime=" + lastSuccessTime + ", lastSnapshotNames=" + lastSnapshotNames + ", message="
        + message + ", pendingUploads=" + pendingUploads + "}";
  }
}

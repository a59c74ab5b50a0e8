package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** What an ETCDSnapshotSchedule last did and will do next. */
@JsonClassDescription("Status says whether the schedule is valid, when it last ran and succeeded, and when it runs next.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"conditions", "lastScheduleTime", "nextScheduleTime", "lastSuccessTime", "lastSnapshotNames", "nodes", "observedGeneration"})
public class EtcdSnapshotScheduleStatus {

  @JsonPropertyDescription("Conditions are Ready (the schedule is valid and its storage reachable), Degraded (the last run, or part of it, failed) and Verified (the content proof of the last snapshot, with verify: content), with a reason and message.")
  private List<Condition> conditions;

  @JsonPropertyDescription("LastScheduleTime is the scheduled time (RFC3339) of the last run started; a slot is never run twice.")
  private String lastScheduleTime;

  @JsonPropertyDescription("NextScheduleTime is when the next run is due (RFC3339); empty while suspended or invalid.")
  private String nextScheduleTime;

  @JsonPropertyDescription("LastSuccessTime is when a run last succeeded on every selected node (RFC3339).")
  private String lastSuccessTime;

  @JsonPropertyDescription("LastSnapshotNames are the ETCDSnapshotFile names the last run created.")
  private List<String> lastSnapshotNames;

  @JsonPropertyDescription("Nodes holds one entry per node that ran this schedule: the slot it claimed last and how that run ended.")
  private List<ScheduleNodeStatus> nodes;

  @JsonPropertyDescription("ObservedGeneration is the metadata.generation this status describes.")
  private Long observedGeneration;

  public List<ScheduleNodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<ScheduleNodeStatus> nodes) {
    this.nodes = nodes;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
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

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotScheduleStatus other
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(lastScheduleTime, other.lastScheduleTime)
        && Objects.equals(nextScheduleTime, other.nextScheduleTime)
        && Objects.equals(lastSuccessTime, other.lastSuccessTime)
        && Objects.equals(lastSnapshotNames, other.lastSnapshotNames)
        && Objects.equals(nodes, other.nodes)
        && Objects.equals(observedGeneration, other.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions, lastScheduleTime, nextScheduleTime, lastSuccessTime, lastSnapshotNames, nodes, observedGeneration);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotScheduleStatus{" + "conditions=" + conditions + ", " + "lastScheduleTime=" + lastScheduleTime + ", " + "nextScheduleTime=" + nextScheduleTime + ", " + "lastSuccessTime=" + lastSuccessTime + ", " + "lastSnapshotNames=" + lastSnapshotNames + ", " + "observedGeneration=" + observedGeneration + "}";
  }
}

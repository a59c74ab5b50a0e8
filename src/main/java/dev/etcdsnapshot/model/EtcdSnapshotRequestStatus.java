package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** How far an ETCDSnapshotRequest got, overall and per node. */
@JsonClassDescription("Status says how far the request got, overall and per node.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"phase", "progress", "results", "startTime", "completionTime", "conditions", "observedGeneration"})
public class EtcdSnapshotRequestStatus {

  @JsonPropertyDescription(
      "Phase is Pending until a node starts, Running while any runs, then Succeeded when every selected " +
      "node succeeded, else Failed.")
  private RequestPhase phase;

  @JsonPropertyDescription(
      "Progress counts the selected nodes that finished, as finished/selected (for example 2/3); shown in " +
      "the Nodes column.")
  private String progress;

  @JsonPropertyDescription("Results holds one entry per selected node.")
  private List<NodeSnapshotResult> results;

  @JsonPropertyDescription("StartTime is when the first snapshot started (RFC3339).")
  private String startTime;

  @JsonPropertyDescription(
      "CompletionTime is when the last node finished (RFC3339); ttlSecondsAfterFinished counts from it.")
  private String completionTime;

  @JsonPropertyDescription(
      "Conditions describe the outcome for tools that wait on conditions (for example kubectl wait), each " +
      "with a reason and message.")
  private List<Condition> conditions;

  @JsonPropertyDescription("ObservedGeneration is the metadata.generation this status describes.")
  private Long observedGeneration;

  public RequestPhase getPhase() {
    return phase;
  }

  public void setPhase(RequestPhase phase) {
    this.phase = phase;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public List<NodeSnapshotResult> getResults() {
    return results;
  }

  public void setResults(List<NodeSnapshotResult> results) {
    this.results = results;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotRequestStatus other
        && Objects.equals(phase, other.phase)
        && Objects.equals(progress, other.progress)
        && Objects.equals(results, other.results)
        && Objects.equals(startTime, other.startTime)
        && Objects.equals(completionTime, other.completionTime)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(observedGeneration, other.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, progress, results, startTime, completionTime, conditions, observedGeneration);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotRequestStatus{"
        + "phase=" + phase
        + ", progress=" + progress
        + ", results=" + results
        + ", startTime=" + startTime
        + ", completionTime=" + completionTime
        + ", conditions=" + conditions
        + ", observedGeneration=" + observedGeneration
        + "}";
  }
}

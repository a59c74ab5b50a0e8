package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an ETCDSnapshotRequest, or one node's part of it, stands. */
public enum RequestPhase {
  /** Accepted, no snapshot started yet. */
  @JsonProperty("Pending")
  PENDING("Pending"),
  /** At least one snapshot is being taken. */
  @JsonProperty("Running")
  RUNNING("Running"),
  /** Every selected node saved its snapshot (and uploaded it when S3 is set). */
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  /** At least one selected node could not save or upload its snapshot. */
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String value;

  RequestPhase(String value) {
    this.value = value;
  }

  /** The value as written in the resource. */
  public String value() {
    return value;
  }
}

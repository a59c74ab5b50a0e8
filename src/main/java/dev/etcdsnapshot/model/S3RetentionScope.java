package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whose S3 snapshots count towards the S3 retention limit. */
public enum S3RetentionScope {
  /** Each node keeps its own newest snapshots (our default; k3s counts all nodes together). */
  @JsonProperty("node")
  NODE("node"),
  /**
   * All snapshots with the name prefix in the folder count together, whichever node uploaded them (k3s's
   * behaviour).
   */
  @JsonProperty("cluster")
  CLUSTER("cluster");

  private final String value;

  S3RetentionScope(String value) {
    this.value = value;
  }

  /** The value as written in the resource. */
  public String value() {
    return value;
  }
}

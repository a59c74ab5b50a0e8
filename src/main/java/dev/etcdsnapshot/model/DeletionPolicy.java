package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What deleting an ETCDSnapshotFile does to its snapshot data. */
public enum DeletionPolicy {
  /** Keep the file and the S3 object; the sync brings the object back while the data exists (k3s's behaviour). */
  @JsonProperty("Retain")
  RETAIN("Retain"),
  /** Remove the file, its metadata and the S3 object before the object goes. */
  @JsonProperty("Delete")
  DELETE("Delete");

  private final String value;

  DeletionPolicy(String value) {
    this.value = value;
  }

  /** The value as written in the resource. */
  public String value() {
    return value;
  }
}

package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How far a snapshot is checked after it is saved. */
public enum SnapshotVerification {
  /** etcd's SHA-256 trailer, the structure, and the KV hash against the live member at the snapshot's revision. */
  @JsonProperty("content")
  CONTENT,
  /** etcd's SHA-256 trailer only (every save checks it; this skips the content proof). */
  @JsonProperty("trailer")
  TRAILER
}

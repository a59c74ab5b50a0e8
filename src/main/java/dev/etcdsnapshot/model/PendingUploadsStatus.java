package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The local snapshots of a node whose S3 copy is missing and that the agent keeps uploading again, with backoff,
 * until the copy is there or retention drops them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"count", "oldest", "oldestSnapshot"})
public class PendingUploadsStatus {

  @JsonPropertyDescription("Count is how many of this node's local snapshots of the schedule, inside the S3 retention window, have no S3 copy yet.")
  private Integer count;

  @JsonPropertyDescription("Oldest is when the oldest of them was taken (RFC3339).")
  private String oldest;

  @JsonPropertyDescription("OldestSnapshot is the file name of the oldest of them.")
  private String oldestSnapshot;

  public PendingUploadsStatus() {}

  public PendingUploadsStatus(Integer count, String oldest, String oldestSnapshot) {
    this.count = count;
    this.oldest = oldest;
    this.oldestSnapshot = oldestSnapshot;
  }

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getOldest() {
    return oldest;
  }

  public void setOldest(String oldest) {
    this.oldest = oldest;
  }

  public String getOldestSnapshot() {
    return oldestSnapshot;
  }

  public void setOldestSnapshot(String oldestSnapshot) {
    this.oldestSnapshot = oldestSnapshot;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingUploadsStatus other && Objects.equals(count, other.count)
        && Objects.equals(oldest, other.oldest) && Objects.equals(oldestSnapshot, other.oldestSnapshot);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, oldest, oldestSnapshot);
  }

  @Override
  public String toString() {
    return "PendingUploadsStatus{count=" + count + ", oldest=" + oldest + ", oldestSnapshot=" + oldestSnapshot + "}";
  }
}

package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Objects;

/**
 * Whether an ETCDSnapshotFile's snapshot is usable, its time and size (k3s {@code ETCDSnapshotStatus}, k3s-compat
 * §1.2).
 */
@JsonClassDescription(
    "Status says whether the snapshot is usable, when it was taken and how big it is; written with the " +
    "object (no status subresource).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"readyToUse", "creationTime", "size", "error"})
public class EtcdSnapshotFileStatus {

  @JsonPropertyDescription("ReadyToUse is true for a good snapshot and false for a failure record.")
  private Boolean readyToUse;

  @JsonPropertyDescription(
      "CreationTime is when the snapshot was taken (RFC3339, second precision): the time in its name, else " +
      "the file's or object's time.")
  private String creationTime;

  @JsonPropertyDescription(
      "Size is the snapshot's size in bytes as stored (the zip when compressed), written as a string; \"0\"" +
      " for a failure record.")
  private Quantity size;

  @JsonPropertyDescription(
      "Error is set on a failure record: when and why the save failed. Failure records are removed 24 hours" +
      " after this time.")
  private EtcdSnapshotError error;

  public Boolean getReadyToUse() {
    return readyToUse;
  }

  public void setReadyToUse(Boolean readyToUse) {
    this.readyToUse = readyToUse;
  }

  public String getCreationTime() {
    return creationTime;
  }

  public void setCreationTime(String creationTime) {
    this.creationTime = creationTime;
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public EtcdSnapshotError getError() {
    return error;
  }

  public void setError(EtcdSnapshotError error) {
    this.error = error;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotFileStatus other
        && Objects.equals(readyToUse, other.readyToUse)
        && Objects.equals(creationTime, other.creationTime)
        && Objects.equals(size, other.size)
        && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(readyToUse, creationTime, size, error);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotFileStatus{"
        + "readyToUse=" + readyToUse
        + ", creationTime=" + creationTime
        + ", size=" + size
        + ", error=" + error
        + "}";
  }
}

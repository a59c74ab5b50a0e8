package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** Why a snapshot could not be taken or stored (a failure record's {@code status.error}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "message"})
public class EtcdSnapshotError {

  @JsonPropertyDescription("Time is when the attempt failed (RFC3339).")
  private String time;

  @JsonPropertyDescription("Message is the error text; it never carries credentials.")
  private String message;

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotError other
        && Objects.equals(time, other.time)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(time, message);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotError{"
        + "time=" + time
        + ", message=" + message
        + "}";
  }
}

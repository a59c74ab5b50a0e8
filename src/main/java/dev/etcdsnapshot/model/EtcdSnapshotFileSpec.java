package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.Map;
import java.util.Objects;

/** Where an ETCDSnapshotFile's snapshot is and who holds it (k3s {@code ETCDSnapshotSpec}, k3s-compat §1.1). */
@JsonClassDescription("Spec says where the snapshot is and which node holds or uploaded it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"snapshotName", "nodeName", "location", "metadata", "s3"})
public class EtcdSnapshotFileSpec {

  @Required
  @JsonPropertyDescription(
      "SnapshotName is the snapshot's file name, with .zip when compressed; the name the CLI's delete takes.")
  private String snapshotName;

  @Required
  @JsonPropertyDescription(
      "NodeName is the node that holds the file (local) or uploaded it (S3; 's3' when the object does not say).")
  private String nodeName;

  @Required
  @JsonPropertyDescription(
      "Location is file://<absolute path> or s3://<bucket>/<key>; empty for a failed local save.")
  private String location;

  @JsonPropertyDescription("Metadata is the extra metadata recorded with the snapshot at save time, if any.")
  private Map<String, String> metadata;

  @JsonPropertyDescription("S3 is set when the snapshot is stored in S3: the store it is in, without credentials.")
  private EtcdSnapshotS3 s3;

  public String getSnapshotName() {
    return snapshotName;
  }

  public void setSnapshotName(String snapshotName) {
    this.snapshotName = snapshotName;
  }

  public String getNodeName() {
    return nodeName;
  }

  public void setNodeName(String nodeName) {
    this.nodeName = nodeName;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public Map<String, String> getMetadata() {
    return metadata;
  }

  public void setMetadata(Map<String, String> metadata) {
    this.metadata = metadata;
  }

  public EtcdSnapshotS3 getS3() {
    return s3;
  }

  public void setS3(EtcdSnapshotS3 s3) {
    this.s3 = s3;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotFileSpec other
        && Objects.equals(snapshotName, other.snapshotName)
        && Objects.equals(nodeName, other.nodeName)
        && Objects.equals(location, other.location)
        && Objects.equals(metadata, other.metadata)
        && Objects.equals(s3, other.s3);
  }

  @Override
  public int hashCode() {
    return Objects.hash(snapshotName, nodeName, location, metadata, s3);
  }
}

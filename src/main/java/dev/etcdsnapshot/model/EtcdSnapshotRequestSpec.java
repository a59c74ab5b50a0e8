package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** One on-demand snapshot: what to take, where to put it, and when to forget the request. */
@JsonClassDescription("Spec says which snapshot to take, on which nodes and where to upload it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "compress", "nodes", "s3", "scheduleRef", "ttlSecondsAfterFinished", "verify"})
@ValidationRule(value = "!(has(self.s3) && has(self.scheduleRef))", message = "set s3 or scheduleRef, not both")
public class EtcdSnapshotRequestSpec {

  @Default("on-demand")
  @Pattern("^[a-zA-Z0-9]([-._a-zA-Z0-9]*[a-zA-Z0-9])?$")
  @Size(max = 128)
  @JsonPropertyDescription("Name is the snapshot file name prefix; files are named <name>-<node>-<unix seconds>[.zip].")
  private String name;

  @Default("false")
  @JsonPropertyDescription("Compress stores the snapshot as a single-entry zip (<file>.zip) instead of the raw file.")
  private Boolean compress;

  @JsonPropertyDescription(
      "Nodes lists the etcd nodes that take the snapshot, by node name; empty means every etcd node whose " +
      "agent is running.")
  private List<String> nodes;

  @JsonPropertyDescription(
      "S3 uploads the snapshot to an S3-compatible store as well; unset keeps it on the nodes only. Not " +
      "together with scheduleRef.")
  private SnapshotS3Spec s3;

  @JsonPropertyDescription(
      "ScheduleRef takes compress, nodes, s3 and deletionPolicy from an ETCDSnapshotSchedule in this " +
      "namespace. Not together with s3.")
  private NameRef scheduleRef;

  @Min(0)
  @JsonPropertyDescription(
      "TtlSecondsAfterFinished deletes the request (not its snapshots) this many seconds after it finished;" +
      " unset keeps it.")
  private Integer ttlSecondsAfterFinished;

  @Default("content")
  @JsonPropertyDescription(
      "Verify is how each snapshot is checked after it is saved: content (default) also proves it against the " +
      "live member, comparing etcd's KV hash of the file at its revision with the member's HashKV, and records " +
      "the result in the etcdsnapshot.dev/revision, kv-hash and verified-at annotations; trailer checks etcd's " +
      "SHA-256 trailer only.")
  private SnapshotVerification verify;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getCompress() {
    return compress;
  }

  public void setCompress(Boolean compress) {
    this.compress = compress;
  }

  public List<String> getNodes() {
    return nodes;
  }

  public void setNodes(List<String> nodes) {
    this.nodes = nodes;
  }

  public SnapshotS3Spec getS3() {
    return s3;
  }

  public void setS3(SnapshotS3Spec s3) {
    this.s3 = s3;
  }

  public NameRef getScheduleRef() {
    return scheduleRef;
  }

  public void setScheduleRef(NameRef scheduleRef) {
    this.scheduleRef = scheduleRef;
  }

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }

  public SnapshotVerification getVerify() {
    return verify;
  }

  public void setVerify(SnapshotVerification verify) {
    this.verify = verify;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotRequestSpec other
        && Objects.equals(name, other.name)
        && Objects.equals(compress, other.compress)
        && Objects.equals(nodes, other.nodes)
        && Objects.equals(s3, other.s3)
        && Objects.equals(scheduleRef, other.scheduleRef)
        && Objects.equals(ttlSecondsAfterFinished, other.ttlSecondsAfterFinished)
        && Objects.equals(verify, other.verify);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, compress, nodes, s3, scheduleRef, ttlSecondsAfterFinished, verify);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotRequestSpec{"
        + "name=" + name
        + ", compress=" + compress
        + ", nodes=" + nodes
        + ", s3=" + s3
        + ", scheduleRef=" + scheduleRef
        + ", ttlSecondsAfterFinished=" + ttlSecondsAfterFinished
        + "}";
  }
}

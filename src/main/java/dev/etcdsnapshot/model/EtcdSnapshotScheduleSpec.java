package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** When and how an ETCDSnapshotSchedule takes snapshots, and how many it keeps. */
@JsonClassDescription("Spec says when to take snapshots, on which nodes, how many to keep and where to upload them.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "schedule", "timeZone", "suspend", "name", "retention", "compress", "nodes", "s3", "deletionPolicy", "verify"
})
public class EtcdSnapshotScheduleSpec {

  @Default("0 */12 * * *")
  @Pattern("^((CRON_TZ|TZ)=\\S+ +)?(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every \\S+|\\S+( +\\S+){4})$")
  @JsonPropertyDescription(
      "Schedule is a cron expression as k3s reads it (robfig/cron): 5 fields (minute hour day-of-month month " +
      "day-of-week), a descriptor such as @hourly or @daily, or @every <duration> (a Go duration such as 6h; " +
      "slots at multiples of it since the Unix epoch), optionally prefixed with CRON_TZ=<IANA zone> and a space, " +
      "which wins over timeZone.")
  private String schedule;

  @Default("UTC")
  @Size(min = 1, max = 64)
  @JsonPropertyDescription("TimeZone is the IANA time zone the schedule is read in, such as Europe/Berlin.")
  private String timeZone;

  @Default("false")
  @JsonPropertyDescription(
      "Suspend stops new scheduled snapshots while true; existing snapshots and running ones are not " +
      "touched.")
  private Boolean suspend;

  @Default("etcd-snapshot")
  @Pattern("^[a-zA-Z0-9]([-._a-zA-Z0-9]*[a-zA-Z0-9])?$")
  @Size(max = 128)
  @JsonPropertyDescription(
      "Name is the snapshot file name prefix; files are named <name>-<node>-<unix seconds>[.zip]. Local " +
      "retention counts the files starting with it.")
  private String name;

  @Default("5")
  @Min(0)
  @JsonPropertyDescription(
      "Retention is how many local snapshots with this name prefix each node keeps in its directory; 0 " +
      "keeps all.")
  private Integer retention;

  @Default("false")
  @JsonPropertyDescription("Compress stores each snapshot as a single-entry zip (<file>.zip) instead of the raw file.")
  private Boolean compress;

  @JsonPropertyDescription("Nodes lists the etcd nodes that take snapshots, by node name; empty means every etcd node.")
  private List<String> nodes;

  @JsonPropertyDescription(
      "S3 uploads every snapshot to an S3-compatible store as well; unset keeps snapshots on the nodes " +
      "only.")
  private SnapshotS3Spec s3;

  @Default("Retain")
  @JsonPropertyDescription(
      "DeletionPolicy says what deleting one of this schedule's ETCDSnapshotFile objects does: Retain " +
      "(default) keeps the data and the object comes back at the next sync, as in k3s; Delete removes the " +
      "file, its metadata and the S3 object first.")
  private DeletionPolicy deletionPolicy;

  @Default("content")
  @JsonPropertyDescription(
      "Verify is how each snapshot is checked after it is saved: content (default) also proves it against the " +
      "live member, comparing etcd's KV hash of the file at its revision with the member's HashKV, and records " +
      "the result in the etcdsnapshot.dev/revision, kv-hash and verified-at annotations; trailer checks etcd's " +
      "SHA-256 trailer only.")
  private SnapshotVerification verify;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getRetention() {
    return retention;
  }

  public void setRetention(Integer retention) {
    this.retention = retention;
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

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public SnapshotVerification getVerify() {
    return verify;
  }

  public void setVerify(SnapshotVerification verify) {
    this.verify = verify;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotScheduleSpec other
        && Objects.equals(schedule, other.schedule)
        && Objects.equals(timeZone, other.timeZone)
        && Objects.equals(suspend, other.suspend)
        && Objects.equals(name, other.name)
        && Objects.equals(retention, other.retention)
        && Objects.equals(compress, other.compress)
        && Objects.equals(nodes, other.nodes)
        && Objects.equals(s3, other.s3)
        && Objects.equals(deletionPolicy, other.deletionPolicy)
        && Objects.equals(verify, other.verify);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schedule, timeZone, suspend, name, retention, compress, nodes, s3, deletionPolicy, verify);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotScheduleSpec{"
        + "schedule=" + schedule
        + ", timeZone=" + timeZone
        + ", suspend=" + suspend
        + ", name=" + name
        + ", retention=" + retention
        + ", compress=" + compress
        + ", nodes=" + nodes
        + ", s3=" + s3
        + ", deletionPolicy=" + deletionPolicy
        + "}";
  }
}

package dev.etcdsnapshot.operator.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * Events on our schedules and requests (core/v1, in the resource's namespace). Messages are built by callers from
 * names and reasons only, never from Secret values. Written through the one {@link EventEmitter}, so
 * writing an Event never fails the operation it reports.
 */
public final class ResourceEvents {

  /** The schedule's cron or time zone is invalid. */
  public static final String SCHEDULE_INVALID = "ScheduleInvalid";
  /** A tick found a snapshot of the node running and was skipped. */
  public static final String SNAPSHOT_SKIPPED = "SnapshotSkipped";
  /** A slot was missed beyond the starting deadline and will not run. */
  public static final String SNAPSHOT_MISSED = "SnapshotMissed";
  /** A snapshot could not be saved or uploaded. */
  public static final String SNAPSHOT_FAILED = "SnapshotFailed";
  /** A snapshot was taken (and uploaded when asked). */
  public static final String SNAPSHOT_TAKEN = "SnapshotTaken";
  /** The S3 Secret, its CA ConfigMap or the inline S3 settings cannot be used. */
  public static final String S3_SECRET_INVALID = "S3SecretInvalid";
  /** A selected node has no live agent. */
  public static final String NODE_UNAVAILABLE = "NodeUnavailable";

  private final EventEmitter emitter;

  public ResourceEvents(KubernetesClient client, Clock clock, String host) {
    this.emitter = new EventEmitter(client, clock, host, SnapshotEvents.COMPONENT);
  }

  /** A Normal event. */
  public void normal(HasMetadata about, String reason, String message) {
    emit(about, "Normal", reason, message);
  }

  /** A Warning event. */
  public void warning(HasMetadata about, String reason, String message) {
    emit(about, "Warning", reason, message);
  }

  private void emit(HasMetadata about, String type, String reason, String message) {
    String ns = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
    emitter.emitGenerated(ns, new ObjectReferenceBuilder()
        .withApiVersion(about.getApiVersion()).withKind(about.getKind())
        .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
        .build(), type, reason, message);
  }
}

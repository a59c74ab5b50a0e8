package dev.etcdsnapshot.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on our schedules and requests (core/v1, in the resource's namespace). Messages are built by callers from
 * names and reasons only, never from Secret values. Writing an Event never fails the operation it reports.
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

  private static final Logger LOG = LoggerFactory.getLogger(ResourceEvents.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String host;

  public ResourceEvents(KubernetesClient client, Clock clock, String host) {
    this.client = client;
    this.clock = clock;
    this.host = host;
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
    String now = clock.instant().toString();
    String ns = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
    try {
      client.v1().events().inNamespace(ns).resource(new EventBuilder()
          .withNewMetadata()
          .withGenerateName(about.getMetadata().getName() + ".")
          .withNamespace(ns)
          .endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(about.getApiVersion()).withKind(about.getKind())
              .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
              .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
              .build())
          .withType(type).withReason(reason).withMessage(message)
          .withNewSource().withComponent("etcd-snapshot-operator").withHost(host).endSource()
          .withReportingComponent("etcd-snapshot-operator").withReportingInstance(host)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("Could not record {} event {} on {}/{}: HTTP {}", type.toLowerCase(Locale.ROOT), reason, ns,
          about.getMetadata().getName(), e.getCode());
    }
  }
}

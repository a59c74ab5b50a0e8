package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Watches Secrets in the schedules' namespaces and maps a change to every schedule whose {@code spec.s3.secretRef}
 * names it (through an index on the schedule cache), so a rotated or broken Secret is acted on at once. Only the
 * event matters: the Secret's content is read afresh by each operation, never from this cache.
 */
public final class S3SecretEventSource {

  static final String INDEX = "s3-secret";

  private S3SecretEventSource() {}

  /** The event source for a schedule controller. */
  public static List<EventSource<?, EtcdSnapshotSchedule>> forSchedules(EventSourceContext<EtcdSnapshotSchedule> ctx) {
    ctx.getPrimaryCache().addIndexer(INDEX, schedule -> key(schedule).map(List::of).orElse(List.of()));
    var config = InformerEventSourceConfiguration.from(Secret.class, EtcdSnapshotSchedule.class)
        .withName("s3-secrets")
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(secret -> ctx.getPrimaryCache()
            .byIndex(INDEX, secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(config, ctx));
  }

  static Optional<String> key(EtcdSnapshotSchedule schedule) {
    var s3 = schedule.getSpec() == null ? null : schedule.getSpec().getS3();
    if (s3 == null || s3.getSecretRef() == null || s3.getSecretRef().getName() == null) {
      return Optional.empty();
    }
    return Optional.of(schedule.getMetadata().getNamespace() + "/" + s3.getSecretRef().getName());
  }
}

package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Watches Secrets in the schedules' namespaces and maps a change to every schedule whose {@code spec.s3.secretRef}
 * names it (through an index on the schedule cache), so a rotated or broken Secret is acted on at once. Only the
 * event matters: the Secret's content is read afresh by each operation, never from this cache.
 */
public final class S3SecretEventSource {

  static final String INDEX = "s3-secret";

  private S3SecretEventSource() {}

  /** The event source for a schedule controller, of Secrets in the watched namespaces only. */
  public static List<EventSource<?, EtcdSnapshotSchedule>> forSchedules(EventSourceContext<EtcdSnapshotSchedule> ctx) {
    return forSchedules(ctx, Set.of());
  }

  /**
   * The event sources for a schedule controller: Secrets in the watched namespaces, and each allowed kube-system
   * Secret by name (a field selector on {@code metadata.name}, which is what a Role limited by {@code resourceNames}
   * lets a list and watch do).
   */
  public static List<EventSource<?, EtcdSnapshotSchedule>> forSchedules(EventSourceContext<EtcdSnapshotSchedule> ctx,
      Set<String> kubeSystemSecrets) {
    ctx.getPrimaryCache().addIndexer(INDEX, schedule -> key(schedule).map(List::of).orElse(List.of()));
    var mapper = (SecondaryToPrimaryMapper<Secret>) secret -> ctx.getPrimaryCache()
        .byIndex(INDEX, secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName())
        .stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    List<EventSource<?, EtcdSnapshotSchedule>> sources = new ArrayList<>();
    sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class,
        EtcdSnapshotSchedule.class).withName("s3-secrets").withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(mapper).build(), ctx));
    for (String name : new TreeSet<>(kubeSystemSecrets)) {
      sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class,
          EtcdSnapshotSchedule.class).withName("s3-secret-kube-system-" + name)
          .withNamespaces(S3SecretReader.KUBE_SYSTEM)
          .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", name)))
          .withSecondaryToPrimaryMapper(mapper).build(), ctx));
    }
    return sources;
  }

  /** {@code <secret namespace>/<name>} of the schedule's Secret: its own namespace unless it names kube-system. */
  static Optional<String> key(EtcdSnapshotSchedule schedule) {
    var s3 = schedule.getSpec() == null ? null : schedule.getSpec().getS3();
    if (s3 == null || s3.getSecretRef() == null || s3.getSecretRef().getName() == null) {
      return Optional.empty();
    }
    String ns = s3.getSecretRef().getNamespace();
    String secretNamespace = ns == null || ns.isEmpty() ? schedule.getMetadata().getNamespace() : ns;
    return Optional.of(secretNamespace + "/" + s3.getSecretRef().getName());
  }
}

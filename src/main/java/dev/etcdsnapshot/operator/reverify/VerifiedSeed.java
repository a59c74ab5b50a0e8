package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, seeds the newest-content-verified gauge from the {@code verified-at} annotations of the node's local
 * snapshot objects (as the last-success gauge is seeded from the snapshot directory), so a restarted agent does not
 * fire the "no content-verified snapshot" alert until its next proof.
 */
public final class VerifiedSeed {

  private static final Logger LOG = LoggerFactory.getLogger(VerifiedSeed.class);

  private VerifiedSeed() {}

  /** Lists the node's local ETCDSnapshotFile objects and seeds {@code metrics}; an API failure only logs. */
  public static void seed(KubernetesClient client, Flavor flavor, String node, SnapshotMetrics metrics) {
    try {
      newest(client.resources(EtcdSnapshotFile.class)
          .withLabel(SnapshotLabels.storageNodeLabel(flavor), node).list().getItems())
          .ifPresent(at -> metrics.seedLastVerified(node, at));
    } catch (KubernetesClientException e) {
      LOG.debug("No content-verified seed from the snapshot objects (HTTP {}): {}", e.getCode(), e.getMessage());
    }
  }

  /** The newest well-formed {@code verified-at} among {@code files}, empty when none carries one. */
  static Optional<Instant> newest(Collection<EtcdSnapshotFile> files) {
    return files.stream()
        .map(f -> f.getMetadata() == null ? null : f.getMetadata().getAnnotations())
        .filter(Objects::nonNull)
        .map(a -> parse(a, SnapshotLabels.VERIFIED_AT_ANNOTATION))
        .flatMap(Optional::stream)
        .max(Instant::compareTo);
  }

  private static Optional<Instant> parse(Map<String, String> annotations, String key) {
    String value = annotations.get(key);
    try {
      return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

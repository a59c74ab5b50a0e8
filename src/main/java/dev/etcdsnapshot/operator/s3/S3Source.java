package dev.etcdsnapshot.operator.s3;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The S3 configuration read for one operation: k3s {@code etcd-s3-*} keys (Secret keys overlaid by the CR's
 * inline fields) and the CA bundles of the ConfigMap named by {@code etcd-s3-endpoint-ca-name}.
 * Never logged or printed: {@link #toString()} hides the values.
 *
 * @param values the k3s keys and their values
 * @param caBundles PEM texts of the ConfigMap's values; an inline {@code etcd-s3-endpoint-ca} stays in values
 * @param secretName the Secret read, for messages; empty when the CR has only inline fields
 */
public record S3Source(Map<String, String> values, List<String> caBundles, Optional<String> secretName) {

  public S3Source {
    values = Map.copyOf(values);
    caBundles = caBundles == null ? List.of() : List.copyOf(caBundles);
  }

  /** Where the configuration came from, for messages: the Secret, or the CR's inline fields. */
  public String origin() {
    return secretName.map(n -> "S3 Secret " + n).orElse("spec.s3");
  }

  @Override
  public String toString() {
    return "S3Source[keys=" + new java.util.TreeSet<>(values.keySet()) + ", secret=" + secretName.orElse("-") + "]";
  }
}

package dev.etcdsnapshot.operator.s3;

import java.util.Map;
import java.util.Optional;

/**
 * The S3 configuration read for one operation: k3s {@code etcd-s3-*} keys (Secret keys overlaid by the CR's
 * inline fields) and the CA bundle text resolved from {@code etcd-s3-endpoint-ca} / {@code -ca-name}.
 * Never logged or printed: {@link #toString()} hides the values.
 *
 * @param values the k3s keys and their values
 * @param caBundle PEM text of the CA bundle, empty when none
 * @param secretName the Secret read, for messages; empty when the CR has only inline fields
 */
public record S3Source(Map<String, String> values, String caBundle, Optional<String> secretName) {

  public S3Source {
    values = Map.copyOf(values);
    caBundle = caBundle == null ? "" : caBundle;
  }

  @Override
  public String toString() {
    return "S3Source[keys=" + new java.util.TreeSet<>(values.keySet()) + ", secret=" + secretName.orElse("-") + "]";
  }
}

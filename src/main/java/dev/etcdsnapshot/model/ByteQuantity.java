package dev.etcdsnapshot.model;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A byte count as the Kubernetes Quantity k3s writes into {@code status.size}: k3s builds it with
 * {@code resource.NewQuantity(size, resource.DecimalSI)} (k3s-io/k3s pkg/etcd/snapshot/types.go), which serialises
 * in apimachinery's canonical form (resource/quantity.go: trailing zeros move into a power-of-1000 exponent, written
 * as the SI suffix {@code k}, {@code M}, {@code G}, {@code T}, {@code P} or {@code E}). So 340000 is {@code 340k},
 * 1048576 stays {@code 1048576} (DecimalSI, never binary {@code Mi}) and 4866080 stays {@code 4866080}.
 */
public final class ByteQuantity {

  private static final String[] SUFFIXES = {"", "k", "M", "G", "T", "P", "E"};

  private ByteQuantity() {}

  /** The canonical DecimalSI text of {@code bytes}. */
  public static String canonical(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    long mantissa = bytes;
    int thousands = 0;
    while (mantissa % 1000 == 0 && thousands < SUFFIXES.length - 1) {
      mantissa /= 1000;
      thousands++;
    }
    return mantissa + SUFFIXES[thousands];
  }

  /** {@link #canonical} as a fabric8 Quantity. */
  public static Quantity of(long bytes) {
    return new Quantity(canonical(bytes));
  }
}

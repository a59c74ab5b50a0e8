package dev.etcdsnapshot.model;

import java.util.Locale;

/**
 * The distribution whose naming we follow: k3s or RKE2 build their label, annotation and metadata prefixes from
 * the program name (k3s-compat §0), while the API group {@code k3s.cattle.io} stays the same for both.
 */
public enum Flavor {
  K3S("k3s"),
  RKE2("rke2");

  private final String program;

  Flavor(String program) {
    this.program = program;
  }

  /** {@code k3s} or {@code rke2}: the word k3s substitutes into its keys. */
  public String program() {
    return program;
  }

  /** Parses {@code k3s} or {@code rke2} (any case); anything else is refused naming the flag. */
  public static Flavor parse(String value) {
    for (Flavor f : values()) {
      if (f.program.equals(value == null ? "" : value.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("--flavor must be k3s or rke2, got '" + value + "'");
  }
}

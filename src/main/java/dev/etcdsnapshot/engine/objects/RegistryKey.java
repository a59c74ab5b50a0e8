package dev.etcdsnapshot.engine.objects;

import java.util.Optional;

/**
 * Where kube-apiserver keeps one object in etcd: {@code /registry/<storage>/[<namespace>/]<name>}, where
 * {@code storage} is a built-in resource's storage name ({@code configmaps}, {@code minions},
 * {@code services/specs}) or {@code <group>/<plural>} for group-qualified keys (custom resources, CRDs,
 * APIServices).
 *
 * @param storage the key's resource part, e.g. {@code configmaps} or {@code example.com/widgets}
 * @param namespace the namespace, or null for a cluster-scoped object
 * @param name the object's name
 */
public record RegistryKey(String storage, String namespace, String name) {

  /** Every object key starts with this. */
  public static final String PREFIX = "/registry/";

  /** The two storage names that take two segments: Services and Endpoints live under {@code services/}. */
  private static final String SERVICES = "services";

  /**
   * Parses an etcd key; empty for keys that are not one object under {@code /registry/} (e.g.
   * {@code /registry/health}, {@code compact_rev_key}).
   */
  public static Optional<RegistryKey> parse(String key) {
    if (!key.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = key.substring(PREFIX.length()).split("/", -1);
    int head;
    if (parts[0].contains(".") && parts.length >= 3) {
      head = 2; // a group: CRs, CRDs, APIServices; Kubernetes requires a dot in every CRD group
    } else if (parts[0].equals(SERVICES) && parts.length >= 3
        && (parts[1].equals("specs") || parts[1].equals("endpoints"))) {
      head = 2;
    } else {
      head = 1;
    }
    int rest = parts.length - head;
    if (rest < 1 || rest > 2) {
      return Optional.empty();
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        return Optional.empty();
      }
    }
    String storage = head == 1 ? parts[0] : parts[0] + "/" + parts[1];
    return Optional.of(rest == 1
        ? new RegistryKey(storage, null, parts[head])
        : new RegistryKey(storage, parts[head], parts[head + 1]));
  }

  /** The etcd key prefix of every object of a storage name: {@code /registry/<storage>/}. */
  public static String prefixOf(String storage) {
    return PREFIX + storage + "/";
  }

  /** The etcd key of this object. */
  public String key() {
    return prefixOf(storage) + (namespace == null ? "" : namespace + "/") + name;
  }

  /** {@code [namespace/]name}, as the diff lists objects. */
  public String displayName() {
    return namespace == null ? name : namespace + "/" + name;
  }
}

package dev.etcdsnapshot.engine.content;

import java.nio.charset.StandardCharsets;

/**
 * Where a Kubernetes API server keeps an object in etcd: {@code /registry/<resource>/[<namespace>/]<name>}, the
 * resource prefixed by its API group when the group's storage says so ({@code /registry/<group>/<resource>/...},
 * recognised by the dot in a group's name), and a few built-ins with a second level
 * ({@code /registry/services/specs/...}). The key alone cannot tell a namespace from a name prefix for every
 * resource; this reads it as the API server writes it: one segment after the resource is a cluster-scoped name, two
 * are namespace and name, more fold into the resource.
 *
 * @param resource e.g. {@code configmaps}, {@code apps.example.com/widgets}, {@code services/specs}
 * @param namespace the namespace, or {@code ""} for a cluster-scoped object
 * @param name the object's name
 */
public record RegistryKey(String resource, String namespace, String name) {

  /** The prefix every Kubernetes object key starts with. */
  public static final String PREFIX = "/registry/";

  /** The parsed key, or null for a key outside {@code /registry/} or too short to name an object. */
  public static RegistryKey parse(byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    if (!text.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = text.substring(PREFIX.length()).split("/", -1);
    int resourceEnd = parts[0].contains(".") ? 2 : 1;
    int rest = parts.length - resourceEnd;
    if (rest < 1) {
      return null;
    }
    // More than namespace/name: the extra leading segments are part of the resource (services/specs).
    while (rest > 2) {
      resourceEnd++;
      rest--;
    }
    String resource = String.join("/", java.util.Arrays.copyOfRange(parts, 0, resourceEnd));
    String namespace = rest == 2 ? parts[resourceEnd] : "";
    return new RegistryKey(resource, namespace, parts[parts.length - 1]);
  }
}

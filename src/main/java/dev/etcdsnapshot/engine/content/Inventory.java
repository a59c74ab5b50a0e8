package dev.etcdsnapshot.engine.content;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live Kubernetes objects per resource and namespace, counted while a walk goes through the key bucket. An
 * object's resource and namespace are fixed by its key without the name (its parent, {@code /registry/configmaps/ns}),
 * so the walk counts per parent, read where the key lies (a fingerprint, and the bytes compared against the one copy
 * of each parent kept); only the few distinct parents are parsed, once, by {@link RegistryKey#parse} at the end.
 * Parsing each key into strings instead cost about 3 µs a key, most of an {@code inspect}'s walk.
 */
final class Inventory {

  private static final byte[] PREFIX = RegistryKey.PREFIX.getBytes(StandardCharsets.US_ASCII);

  private final KeyTable groups = new KeyTable();
  private final List<byte[]> parents = new ArrayList<>();
  private long[] counts = new long[64];

  /** Counts {@code delta} (+1 created, -1 deleted) for the object {@code r} writes, when it is under /registry/. */
  void add(KeyRevision r, int delta) {
    if (!r.keyStartsWith(PREFIX)) {
      return;
    }
    int parentLength = r.keyLastSlash();
    long fp = r.keyFingerprint(parentLength);
    int group = groups.get(fp);
    if (group == KeyTable.ABSENT) {
      group = newGroup(r, parentLength);
      groups.put(fp, group);
    } else if (!samePrefix(r, parents.get(group), parentLength)) {
      group = byBytes(r, parentLength);
    }
    counts[group] += delta;
  }

  private static boolean samePrefix(KeyRevision r, byte[] parent, int parentLength) {
    return parent.length == parentLength && r.keyStartsWith(parent);
  }

  private int newGroup(KeyRevision r, int parentLength) {
    int group = parents.size();
    parents.add(r.keyPrefix(parentLength));
    if (group == counts.length) {
      counts = Arrays.copyOf(counts, group * 2);
    }
    return group;
  }

  /** Two parents with one fingerprint (odds about 2⁻⁶⁴ a pair): the second is found by its bytes. */
  private int byBytes(KeyRevision r, int parentLength) {
    for (int g = 0; g < parents.size(); g++) {
      if (samePrefix(r, parents.get(g), parentLength)) {
        return g;
      }
    }
    return newGroup(r, parentLength);
  }

  /** Per resource, per namespace ({@code ""} for cluster-scoped), the objects alive; no zero counts. */
  Map<String, Map<String, Long>> objects() {
    Map<String, Map<String, Long>> objects = new TreeMap<>();
    for (int g = 0; g < parents.size(); g++) {
      if (counts[g] == 0) {
        continue;
      }
      byte[] parent = parents.get(g);
      byte[] key = Arrays.copyOf(parent, parent.length + 2); // any name: the parent decides the rest
      key[parent.length] = '/';
      key[parent.length + 1] = 'x';
      RegistryKey object = RegistryKey.parse(key);
      if (object != null) {
        objects.computeIfAbsent(object.resource(), k -> new TreeMap<>()).merge(object.namespace(), counts[g],
            Long::sum);
      }
    }
    return objects;
  }
}

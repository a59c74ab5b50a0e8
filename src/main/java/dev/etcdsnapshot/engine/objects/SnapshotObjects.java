package dev.etcdsnapshot.engine.objects;

import dev.etcdsnapshot.engine.content.RegistryKey;
import dev.etcdsnapshot.engine.objects.LatestRevisions.Latest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * The Kubernetes objects in a snapshot: the ones a query names ({@code get}), and what changed between two
 * snapshots ({@code diff}). Works on the live keys at the snapshot's revision (see {@link LatestRevisions}).
 */
public final class SnapshotObjects {

  /**
   * Which objects {@link #get} returns.
   *
   * @param resource the resource
   * @param name one object's name, or null for all
   * @param namespace the namespace of namespaced objects, or null for every namespace; cluster-scoped objects
   *     match whatever it is
   */
  public record Query(KubeResource resource, String name, String namespace) {

    boolean matches(RegistryKey key) {
      return key != null && key.resource().equals(resource.storage())
          && (name == null || name.equals(key.name()))
          && (namespace == null || key.namespace().isEmpty() || namespace.equals(key.namespace()));
    }
  }

  /**
   * One object found in a snapshot.
   *
   * @param key where it is stored
   * @param revision the etcd revision of its newest write (its resourceVersion)
   * @param object its decoded value
   */
  public record Found(RegistryKey key, long revision, StoredObject object) {}

  /** What happened to one object between snapshot A and snapshot B. */
  public enum ChangeKind { ADDED, REMOVED, CHANGED }

  /**
   * One object that differs between the snapshots.
   *
   * @param resource kubectl's name of its resource ({@code configmaps}, {@code deployments.apps})
   * @param object {@code [namespace/]name}, or the whole key for a key under /registry/ that is not an object's
   * @param kind what happened to it
   */
  public record Change(String resource, String object, ChangeKind kind) {}

  /**
   * The difference between two snapshots.
   *
   * @param changes every object that differs, by resource, then kind, then name
   * @param objectsA the number of keys under /registry/ in A
   * @param objectsB the same in B
   * @param shownA the value of the {@code --show} key in A, or null (absent, or nothing asked)
   * @param shownB the same in B
   */
  public record Difference(List<Change> changes, int objectsA, int objectsB, byte[] shownA, byte[] shownB) {}

  private SnapshotObjects() {}

  /** The objects {@code query} names, in key order. */
  public static List<Found> get(KeyRevisions snapshot, Query query) throws IOException {
    Predicate<String> selected = key -> query.matches(parse(key));
    SortedMap<String, Latest> live = LatestRevisions.fold(snapshot, query.resource().keyPrefix(), selected,
        selected);
    List<Found> found = new ArrayList<>();
    live.forEach((key, latest) -> found.add(new Found(parse(key), latest.revision(),
        StoredObject.decode(latest.value()))));
    return found;
  }

  /**
   * Objects added, removed and changed (stored bytes differ) from {@code a} to {@code b}; holds one digest per key,
   * and the values of {@code showKey} only (null for none).
   */
  public static Difference diff(KeyRevisions a, KeyRevisions b, String showKey) throws IOException {
    String prefix = RegistryKey.PREFIX;
    Predicate<String> show = key -> key.equals(showKey);
    SortedMap<String, Latest> before = LatestRevisions.fold(a, prefix, key -> true, show);
    SortedMap<String, Latest> after = LatestRevisions.fold(b, prefix, key -> true, show);
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, Latest> e : before.entrySet()) {
      Latest then = e.getValue();
      Latest now = after.get(e.getKey());
      if (now == null) {
        changes.add(change(e.getKey(), ChangeKind.REMOVED));
      } else if (!Arrays.equals(then.digest(), now.digest())) {
        changes.add(change(e.getKey(), ChangeKind.CHANGED));
      }
    }
    for (String key : after.keySet()) {
      if (!before.containsKey(key)) {
        changes.add(change(key, ChangeKind.ADDED));
      }
    }
    changes.sort((x, y) -> x.resource().equals(y.resource())
        ? (x.kind() == y.kind() ? x.object().compareTo(y.object()) : x.kind().compareTo(y.kind()))
        : x.resource().compareTo(y.resource()));
    return showKey == null ? new Difference(changes, before.size(), after.size(), null, null)
        : new Difference(changes, before.size(), after.size(), valueOf(before.get(showKey)),
            valueOf(after.get(showKey)));
  }

  private static byte[] valueOf(Latest latest) {
    return latest == null ? null : Objects.requireNonNull(latest.value());
  }

  private static Change change(String key, ChangeKind kind) {
    RegistryKey k = parse(key);
    return k == null ? new Change("(other keys)", key, kind)
        : new Change(KubeResource.stored(k.resource()).displayName(), ObjectKeys.displayName(k), kind);
  }

  private static RegistryKey parse(String key) {
    return RegistryKey.parse(key.getBytes(StandardCharsets.UTF_8));
  }
}

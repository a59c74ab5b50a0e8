package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Brings an existing ETCDSnapshotFile in line with its projection, touching only what the projection owns, and says
 * whether anything changed, so that an unchanged snapshot costs no API write.
 */
final class SnapshotFileMerge {

  private SnapshotFileMerge() {}

  /**
   * Copies spec, status and the storage-node label from {@code desired} into {@code existing}; adds a token hash the
   * existing object lacks (a later listing without one never removes it); keeps the deletion policy the object was
   * created with (or takes the desired one if it has none) and makes our finalizer match it.
   *
   * @return true when {@code existing} was changed and needs writing
   */
  static boolean apply(EtcdSnapshotFile existing, EtcdSnapshotFile desired, String storageNodeLabel, String tokenKey) {
    if (!isOurs(existing)) {
      return applyToForeign(existing, desired);
    }
    boolean changed = false;
    if (!Objects.equals(existing.getSpec(), desired.getSpec())) {
      existing.setSpec(desired.getSpec());
      changed = true;
    }
    if (!Objects.equals(existing.getStatus(), desired.getStatus())) {
      existing.setStatus(desired.getStatus());
      changed = true;
    }
    ObjectMeta meta = existing.getMetadata();
    String storageNode = desired.getMetadata().getLabels().get(storageNodeLabel);
    changed |= put(meta.getLabels(), meta::setLabels, storageNodeLabel, storageNode);
    String token = desired.getMetadata().getAnnotations().get(tokenKey);
    if (token != null) {
      changed |= put(meta.getAnnotations(), meta::setAnnotations, tokenKey, token);
    }
    String policyKey = SnapshotLabels.DELETION_POLICY_ANNOTATION;
    if (meta.getAnnotations() == null || !meta.getAnnotations().containsKey(policyKey)) {
      String policy = desired.getMetadata().getAnnotations().get(policyKey);
      changed |= put(meta.getAnnotations(), meta::setAnnotations, policyKey, policy);
    }
    changed |= setFinalizer(existing, SnapshotFileProjection.deletionPolicyOf(existing) == DeletionPolicy.DELETE);
    return changed;
  }

  /**
   * Whether we created the object: every object we create carries our deletion-policy annotation (the projection
   * always writes it), and nobody else writes that key. An object without it was made by k3s, RKE2 or another tool.
   */
  static boolean isOurs(EtcdSnapshotFile file) {
    Map<String, String> annotations = file.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(SnapshotLabels.DELETION_POLICY_ANNOTATION);
  }

  /**
   * An object someone else (k3s) created is left exactly as it is while it agrees with storage — k3s's own reconcile
   * never updates an in-sync object (pkg/etcd/snapshot.go reconcileSnapshotData) — and, when it does not (another
   * size, location, node, readiness), only what storage says is corrected: spec and status. Our annotations,
   * finalizer and token hash are never added to it, so its owner sees no foreign keys appear.
   */
  private static boolean applyToForeign(EtcdSnapshotFile existing, EtcdSnapshotFile desired) {
    if (inSyncWithStorage(existing, desired)) {
      return false;
    }
    existing.setSpec(desired.getSpec());
    existing.setStatus(desired.getStatus());
    return true;
  }

  /** Same file name, node, location and readiness, and the same size by value ({@code 340000} is {@code 340k}). */
  static boolean inSyncWithStorage(EtcdSnapshotFile existing, EtcdSnapshotFile desired) {
    if (existing.getSpec() == null || existing.getStatus() == null) {
      return false;
    }
    var have = existing.getSpec();
    var want = desired.getSpec();
    return Objects.equals(have.getSnapshotName(), want.getSnapshotName())
        && Objects.equals(have.getNodeName(), want.getNodeName())
        && Objects.equals(have.getLocation(), want.getLocation())
        && Objects.equals(existing.getStatus().getReadyToUse(), desired.getStatus().getReadyToUse())
        && sameSize(existing.getStatus().getSize(), desired.getStatus().getSize());
  }

  private static boolean sameSize(Quantity a, Quantity b) {
    if (a == null || b == null) {
      return a == b;
    }
    try {
      return a.getNumericalAmount().compareTo(b.getNumericalAmount()) == 0;
    } catch (ArithmeticException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Adds or removes our finalizer; true when the list changed. */
  static boolean setFinalizer(EtcdSnapshotFile file, boolean wanted) {
    List<String> finalizers = file.getMetadata().getFinalizers();
    boolean present = finalizers != null && finalizers.contains(SnapshotLabels.FINALIZER);
    if (present == wanted) {
      return false;
    }
    List<String> updated = finalizers == null ? new ArrayList<>() : new ArrayList<>(finalizers);
    if (wanted) {
      updated.add(SnapshotLabels.FINALIZER);
    } else {
      updated.remove(SnapshotLabels.FINALIZER);
    }
    file.getMetadata().setFinalizers(updated);
    return true;
  }

  private static boolean put(
      Map<String, String> map, Consumer<Map<String, String>> setter, String key, String value) {
    if (value == null || (map != null && value.equals(map.get(key)))) {
      return false;
    }
    Map<String, String> updated = map == null ? new HashMap<>() : new HashMap<>(map);
    updated.put(key, value);
    setter.accept(updated);
    return true;
  }
}

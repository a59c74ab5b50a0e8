package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
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

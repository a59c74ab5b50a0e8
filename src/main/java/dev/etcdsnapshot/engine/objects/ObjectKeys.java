package dev.etcdsnapshot.engine.objects;

import dev.etcdsnapshot.engine.content.RegistryKey;

/** Etcd keys of objects, built from and shown as {@link RegistryKey}s (the reader's parse of a key). */
public final class ObjectKeys {

  private ObjectKeys() {}

  /** The etcd key prefix of every object under a storage name: {@code /registry/<storage>/}. */
  public static String prefixOf(String storage) {
    return RegistryKey.PREFIX + storage + "/";
  }

  /** The key of one object; an empty or null namespace is a cluster-scoped object. */
  public static String keyOf(String storage, String namespace, String name) {
    return prefixOf(storage) + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }

  /** The key {@code key} was parsed from. */
  public static String keyOf(RegistryKey key) {
    return keyOf(key.resource(), key.namespace(), key.name());
  }

  /** {@code [namespace/]name}, as get's messages and the diff name objects. */
  public static String displayName(RegistryKey key) {
    return key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
  }
}

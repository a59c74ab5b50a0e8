package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The S3 stores in use by the schedules and requests of the watched namespaces, and the settings (and so the
 * credentials) that reach each: used to sync every store and to delete S3 data of Delete-policy objects. Secrets
 * are read at the moment of use.
 */
public final class S3Stores {

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final S3Access s3;

  public S3Stores(KubernetesClient client, Set<String> namespaces, S3Access s3) {
    this.client = client;
    this.namespaces = namespaces;
    this.s3 = s3;
  }

  /**
   * A store found for an identity.
   *
   * @param opened the open store (closed by the caller) and its identity
   */
  public record Found(RemoteStores.Opened opened) {}

  /** Opens the store an object records, with the first schedule's or request's settings that reach it. */
  public Optional<Found> find(S3StoreIdentity wanted) {
    if (wanted == null) {
      return Optional.empty();
    }
    for (Target t : targets()) {
      try {
        S3Source source = s3.source(t.namespace(), t.spec());
        if (s3.identity(source).holds(wanted.toSpec())) {
          return Optional.of(new Found(s3.open(source)));
        }
      } catch (S3ConfigException e) {
        // That schedule's settings are unusable; another one may still reach the store.
      }
    }
    return Optional.empty();
  }

  /**
   * Every store in use, once each (by endpoint, bucket and folder), with the configurations that reach it in order
   * (the schedules' first, then the requests'); configurations that cannot be read or parsed are left out.
   */
  public Map<String, List<S3Source>> inUse() {
    Map<String, List<S3Source>> byStore = new LinkedHashMap<>();
    for (Target t : targets()) {
      try {
        S3Source source = s3.source(t.namespace(), t.spec());
        byStore.computeIfAbsent(s3.identity(source).key(), k -> new ArrayList<>()).add(source);
      } catch (S3ConfigException e) {
        // Reported on that schedule or request; another configuration may still reach the store.
      }
    }
    return byStore;
  }

  /** Every S3 configuration in use: the schedules' first, then the requests'. */
  List<Target> targets() {
    List<Target> all = new ArrayList<>();
    for (String ns : namespaces) {
      client.resources(EtcdSnapshotSchedule.class).inNamespace(ns).list().getItems().stream()
          .filter(s -> s.getSpec() != null && s.getSpec().getS3() != null)
          .forEach(s -> all.add(new Target(ns, s.getSpec().getS3())));
    }
    for (String ns : namespaces) {
      client.resources(EtcdSnapshotRequest.class).inNamespace(ns).list().getItems().stream()
          .filter(r -> r.getSpec() != null && r.getSpec().getS3() != null)
          .forEach(r -> all.add(new Target(ns, r.getSpec().getS3())));
    }
    return all;
  }


  /** One S3 configuration and the namespace its Secret is in. */
  record Target(String namespace, SnapshotS3Spec spec) {}
}

package dev.etcdsnapshot.operator.cache;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The schedules of the watched namespaces as one informer per namespace keeps them: what a request with a
 * {@code scheduleRef} runs with and which deletion policy a synced file gets are read here, not with a GET or a
 * list per operation. The process starts it once; the schedule gauges watch through it too.
 *
 * <p>A cache lags the API server by the watch's delay, so {@link #find} confirms a miss with one GET: a request
 * created in the same {@code kubectl apply} as its schedule must not be failed because its event came first.
 */
public final class ScheduleCache implements AutoCloseable {

  /** The file name prefix of a schedule without {@code spec.name}. */
  public static final String DEFAULT_PREFIX = "etcd-snapshot";

  private final KubernetesClient client;
  private final List<SharedIndexInformer<EtcdSnapshotSchedule>> informers;

  private ScheduleCache(KubernetesClient client, List<SharedIndexInformer<EtcdSnapshotSchedule>> informers) {
    this.client = client;
    this.informers = informers;
  }

  /** Starts the informers of {@code namespaces}; returns once each has listed its schedules. */
  public static ScheduleCache start(KubernetesClient client, Collection<String> namespaces) {
    List<SharedIndexInformer<EtcdSnapshotSchedule>> informers = new ArrayList<>();
    try {
      for (String ns : namespaces) {
        informers.add(client.resources(EtcdSnapshotSchedule.class).inNamespace(ns).inform());
      }
    } catch (RuntimeException e) {
      informers.forEach(SharedIndexInformer::close);
      throw e;
    }
    return new ScheduleCache(client, informers);
  }

  /** The schedule {@code namespace/name}: from the cache, else (not yet seen, or really absent) from the API. */
  public Optional<EtcdSnapshotSchedule> find(String namespace, String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    for (SharedIndexInformer<EtcdSnapshotSchedule> informer : informers) {
      EtcdSnapshotSchedule cached = informer.getStore().getByKey(key);
      if (cached != null) {
        return Optional.of(cached);
      }
    }
    return Optional.ofNullable(client.resources(EtcdSnapshotSchedule.class).inNamespace(namespace).withName(name)
        .get());
  }

  /**
   * The cached schedule whose file name prefix ({@code spec.name}, default {@code etcd-snapshot}) the file carries
   * ({@code <prefix>-<node>-<time>}); of several, the longest prefix, so {@code etcd-snapshot-daily-...} belongs to
   * the schedule named {@code etcd-snapshot-daily}, not to a default-named one.
   */
  public Optional<EtcdSnapshotSchedule> madeBy(String fileName) {
    EtcdSnapshotSchedule best = null;
    int bestLength = -1;
    for (EtcdSnapshotSchedule s : all()) {
      String prefix = prefix(s);
      if (fileName.startsWith(prefix + "-") && prefix.length() > bestLength) {
        best = s;
        bestLength = prefix.length();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The file name prefix of a schedule's snapshots. */
  public static String prefix(EtcdSnapshotSchedule schedule) {
    var spec = schedule.getSpec();
    return spec == null || spec.getName() == null ? DEFAULT_PREFIX : spec.getName();
  }

  /** Every cached schedule of the watched namespaces. */
  public List<EtcdSnapshotSchedule> all() {
    List<EtcdSnapshotSchedule> all = new ArrayList<>();
    informers.forEach(i -> all.addAll(i.getStore().list()));
    return all;
  }

  /** Adds a handler that sees every schedule already cached as added, then every change. */
  public void addHandler(ResourceEventHandler<EtcdSnapshotSchedule> handler) {
    informers.forEach(i -> i.addEventHandler(handler));
  }

  /** Removes a handler {@link #addHandler} added. */
  public void removeHandler(ResourceEventHandler<EtcdSnapshotSchedule> handler) {
    informers.forEach(i -> i.removeEventHandler(handler));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}

package dev.etcdsnapshot.operator.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconciler's work that runs off its thread (on the {@link SnapshotRunner}'s): which resources have work going,
 * the results of work that ended, and the event source that brings a resource back to its reconciler when its work
 * ends, whose reconcile then records the result. Keyed by the resource's uid.
 *
 * @param <P> the reconciler's resource
 * @param <T> what the work comes to
 */
public final class BackgroundWork<P extends HasMetadata, T> {

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);

  private final SimpleInboundEventSource<P> ended = new SimpleInboundEventSource<>("snapshot-work-ended");
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Map<String, T> results = new ConcurrentHashMap<>();

  /** The event source to register with the reconciler. */
  public EventSource<?, P> eventSource() {
    return ended;
  }

  /** Tracks {@code work} for {@code resource}: its result is held when it ends, and the resource looked at again. */
  public void track(P resource, CompletableFuture<T> work) {
    String uid = resource.getMetadata().getUid();
    running.add(uid);
    work.thenAccept(result -> {
      results.put(uid, result);
      running.remove(uid);
      lookAgain(resource);
    });
  }

  /** Whether work of the resource is going (its end brings the resource back). */
  public boolean isRunning(P resource) {
    return running.contains(resource.getMetadata().getUid());
  }

  /** The result of the resource's work that ended, handed over once; empty when there is none. */
  public Optional<T> takeResult(P resource) {
    return Optional.ofNullable(results.remove(resource.getMetadata().getUid()));
  }

  /** Drops what is held for the resource (it is finished or gone). */
  public void forget(P resource) {
    results.remove(resource.getMetadata().getUid());
  }

  /** Brings the resource back to its reconciler now. */
  public void lookAgain(P resource) {
    try {
      ended.propagateEvent(ResourceID.fromResource(resource));
    } catch (RuntimeException e) {
      // The reconciler is not running (stopping): what is held stays for the next look, if there is one.
      LOG.debug("No reconcile of {} after its background work: {}", resource.getMetadata().getName(), e.toString());
    }
  }
}

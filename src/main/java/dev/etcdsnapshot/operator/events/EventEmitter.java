package dev.etcdsnapshot.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of core/v1 Events for the operator: {@link SnapshotEvents} (k3s's snapshot Events) and
 * {@link ResourceEvents} (ours, on schedules and requests) both write through it. Writing an Event never fails the
 * operation it reports: a refusal is logged (with the HTTP code, never the message body's values) and dropped.
 */
final class EventEmitter {

  private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String host;
  private final String component;
  private final AtomicLong lastStamp = new AtomicLong();

  /**
   * @param host the node this process runs on ({@code source.host}), or {@code null}
   * @param component the source and reporting component the Events name
   */
  EventEmitter(KubernetesClient client, Clock clock, String host, String component) {
    this.client = client;
    this.clock = clock;
    this.host = host;
    this.component = component;
  }

  /**
   * Writes one Event in {@code namespace}.
   *
   * @param name the Event's name when every pod reporting the same fact must write the same Event (a second create
   *     is then refused with 409 and ignored); {@code null} names it {@code <object>.<hex nanoseconds>} as client-go's
   *     recorder does
   */
  void emit(String namespace, ObjectReference about, String type, String reason, String message, String name) {
    Instant now = clock.instant();
    write(namespace, new ObjectMetaBuilder()
        .withName(name != null ? name : eventName(about.getName(), Long.toHexString(uniqueStamp(now))))
        .withNamespace(namespace).build(), about, type, reason, message, now, name != null);
  }

  /**
   * Writes one Event in {@code namespace} named by the API server ({@code generateName} {@code <object>.}): for
   * Events several pods may write about the same object at the same instant, none of which may be lost to a
   * name collision.
   */
  void emitGenerated(String namespace, ObjectReference about, String type, String reason, String message) {
    write(namespace, new ObjectMetaBuilder().withGenerateName(about.getName() + ".").withNamespace(namespace).build(),
        about, type, reason, message, clock.instant(), false);
  }

  private void write(String namespace, ObjectMeta meta, ObjectReference about, String type, String reason,
      String message, Instant now, boolean sharedName) {
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    Event event = new EventBuilder()
        .withMetadata(meta)
        .withInvolvedObject(about)
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource(component, host)
        .withReportingComponent(component)
        .withReportingInstance(host == null ? "" : host)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      if (sharedName && e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        LOG.debug("event {} for {} already recorded", reason, about.getName());
        return;
      }
      LOG.warn("could not record event {} for {} {}/{}: HTTP {}", reason, about.getKind(), namespace,
          about.getName(), e.getCode());
    }
  }

  /** {@code <object>.<suffix>}, the object's part shortened so the whole stays a valid name (253 characters). */
  static String eventName(String object, String suffix) {
    int room = 253 - 1 - suffix.length();
    String base = object.length() > room ? object.substring(0, room).replaceAll("[.-]+$", "") : object;
    return base + "." + suffix;
  }

  /** Like client-go, hex nanoseconds; kept strictly increasing so a frozen clock cannot collide. */
  private long uniqueStamp(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return lastStamp.updateAndGet(last -> Math.max(last + 1, nanos));
  }
}

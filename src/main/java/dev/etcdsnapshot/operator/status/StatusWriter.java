package dev.etcdsnapshot.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Writes the status of our custom resources with optimistic concurrency: the change is applied to the latest
 * object and sent as a JSON patch of the status subresource that also sets the object's resourceVersion — a
 * precondition the API server checks (409 when someone wrote in between). On 409 the object is re-read and the
 * change re-decided on what is there now. This is what makes a slot claim or a per-node request result safe when
 * several agents write the same resource, and nothing is written when nothing changed.
 *
 * <p>A JSON patch rather than a PUT of the status: the fabric8 mock server (and so the tests) ignores the
 * resourceVersion of a status PUT but honours it in a patch, as a real API server does for both; and rather than a
 * merge patch, whose lists the mock server merges where a real server replaces them.
 */
public final class StatusWriter {

  /** Conflicts beyond this many in a row are given up and left to the next reconcile. */
  static final int MAX_ATTEMPTS = 10;

  private final KubernetesClient client;
  private final ObjectMapper json = new ObjectMapper();

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Applies {@code change} to a copy of {@code current} (and, after a conflict, of the re-read object) and writes
   * the status if the change says it changed something.
   *
   * @param change mutates the resource's status in place; returns false when there is nothing to write
   * @return the resource as written (or as read, when nothing changed); empty when the resource is gone
   * @throws KubernetesClientException for errors other than a conflict, or conflicts beyond the bound
   */
  public <T extends HasMetadata> Optional<T> update(T current, Predicate<T> change) {
    T latest = current;
    for (int attempt = 1; ; attempt++) {
      T copy = client.getKubernetesSerialization().clone(latest);
      if (!change.test(copy)) {
        return Optional.of(latest);
      }
      try {
        return Optional.of(client.resource(latest).subresource("status")
            .patch(PatchContext.of(PatchType.JSON), patch(latest, copy)));
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return Optional.empty();
        }
        if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        latest = reread(latest);
        if (latest == null) {
          return Optional.empty();
        }
      }
    }
  }

  /**
   * {@code [{"op":"replace","path":"/metadata/resourceVersion","value":rv},{"op":"add","path":"/status","value":…}]}:
   * the resourceVersion makes it conditional, and the whole status is replaced so lists are never merged.
   */
  private String patch(HasMetadata before, HasMetadata after) {
    JsonNode status = tree(after).path("status");
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    ops.addObject().put("op", "replace").put("path", "/metadata/resourceVersion")
        .put("value", before.getMetadata().getResourceVersion());
    ops.addObject().put("op", "add").put("path", "/status")
        .set("value", status.isObject() ? status : JsonNodeFactory.instance.objectNode());
    return ops.toString();
  }

  private JsonNode tree(HasMetadata resource) {
    try {
      return json.readTree(client.getKubernetesSerialization().asJson(resource));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialise " + resource.getKind(), e);
    }
  }

  /** The object as the API server has it now, or {@code null} when it is gone. */
  public <T extends HasMetadata> T reread(T resource) {
    return client.resource(resource).get();
  }
}

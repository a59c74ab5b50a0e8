package dev.etcdsnapshot.engine.objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * How objects taken from a snapshot are printed: Kubernetes YAML or JSON, one object or a {@code v1 List}, and,
 * unless asked for them as stored, without the fields the API server sets, so that {@code kubectl apply} creates
 * the object again rather than failing on a stale resourceVersion or being garbage-collected for an owner that is
 * gone.
 */
public final class ObjectOutput {

  /** The output formats of {@code get -o}. */
  public enum Format { YAML, JSON }

  /**
   * The metadata fields the API server sets and {@code kubectl apply} must not send back: resourceVersion (a stale
   * one is refused), uid, creationTimestamp, generation, managedFields, selfLink, deletion marks, and
   * ownerReferences (an owner uid that no longer exists makes the garbage collector delete the object again).
   */
  public static final List<String> SERVER_FIELDS = List.of("resourceVersion", "uid", "creationTimestamp",
      "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
      "ownerReferences");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
  private static final ObjectMapper JSON = new ObjectMapper();

  private ObjectOutput() {}

  /** A copy of {@code object} without {@link #SERVER_FIELDS} and without {@code status}. */
  public static ObjectNode forApply(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    copy.remove("status");
    if (copy.get("metadata") instanceof ObjectNode meta) {
      meta.remove(SERVER_FIELDS);
    }
    return copy;
  }

  /** One object, or a {@code v1 List} of them when {@code asList}. */
  public static String render(List<ObjectNode> objects, boolean asList, Format format) {
    Object tree;
    if (asList) {
      ObjectNode list = JsonNodeFactory.instance.objectNode();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      ArrayNode items = list.putArray("items");
      objects.forEach(items::add);
      tree = list;
    } else {
      tree = objects.get(0);
    }
    try {
      return switch (format) {
        case YAML -> YAML.writeValueAsString(tree);
        case JSON -> JSON.writer(new DefaultPrettyPrinter().withObjectIndenter(
            new DefaultIndenter("  ", "\n"))).writeValueAsString(tree) + "\n";
      };
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kubernetes YAML of one object, as the diff compares it. */
  public static String yaml(ObjectNode object) {
    return render(List.of(object), false, Format.YAML);
  }
}

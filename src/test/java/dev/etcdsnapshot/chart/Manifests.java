package dev.etcdsnapshot.chart;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A list of Kubernetes objects parsed from multi-document YAML, with look-ups by kind and name. */
record Manifests(List<ObjectNode> objects) {

  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /** Parses every non-empty document of {@code yaml}. */
  static Manifests parse(String yaml) {
    List<ObjectNode> out = new ArrayList<>();
    try (JsonParser parser = new YAMLFactory().createParser(yaml);
        MappingIterator<JsonNode> docs = new ObjectMapper().readValues(parser, JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc instanceof ObjectNode o && o.has("kind")) {
          out.add(o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
    }
    return new Manifests(List.copyOf(out));
  }

  /** Every object of a kind. */
  List<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The one object of a kind and name, if rendered. */
  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(o.at("/metadata/name").asText())).findFirst();
  }

  /** The one object of a kind and name; fails the test when it was not rendered. */
  ObjectNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered; rendered: " + ids()));
  }

  /** {@code Kind/namespace/name} of every object, for messages and set comparisons. */
  List<String> ids() {
    return objects.stream().map(Manifests::id).toList();
  }

  static String id(JsonNode o) {
    return o.path("kind").asText() + "/" + o.at("/metadata/namespace").asText("") + "/"
        + o.at("/metadata/name").asText();
  }

  /** The objects as one multi-document YAML text. */
  String toYaml() {
    StringBuilder out = new StringBuilder();
    for (ObjectNode o : objects) {
      try {
        out.append("---\n").append(YAML.writeValueAsString(o));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }
}

package dev.etcdsnapshot.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The structural part of a CRD's openAPIV3Schema, enough to check that a manifest we ship would be accepted:
 * unknown fields, required fields, types, enums, patterns, lengths and minimums (CEL rules are not evaluated).
 */
final class CrdSchema {

  private final JsonNode root;

  private CrdSchema(JsonNode root) {
    this.root = root;
  }

  /** The schema of the first version of the CRD in {@code file}. */
  static CrdSchema load(Path file) throws IOException {
    JsonNode crd = Manifests.YAML.readTree(file.toFile());
    return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  /** Every violation in {@code object}, as "path: problem"; empty when the object is valid. */
  List<String> violations(JsonNode object) {
    List<String> out = new ArrayList<>();
    JsonNode checked = object.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) checked).remove(List.of("apiVersion", "kind", "metadata"));
    check(root, checked, "", out);
    return out;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(path + ": not an integer or string");
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> checkObject(schema, value, path, out);
      case "array" -> {
        if (!value.isArray()) {
          out.add(path + ": not an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
        }
      }
      case "string" -> checkString(schema, value, path, out);
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          out.add(path + ": not an integer");
        } else if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
          out.add(path + ": below " + schema.get("minimum").asText());
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          out.add(path + ": not a boolean");
        }
      }
      default -> { }
    }
  }

  private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (!value.isObject()) {
      out.add(path + ": not an object");
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        out.add(path + "." + required.asText() + ": required");
      }
    }
    JsonNode props = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    value.properties().forEach(e -> {
      String p = path + "." + e.getKey();
      if (props.has(e.getKey())) {
        check(props.get(e.getKey()), e.getValue(), p, out);
      } else if (additional.isObject()) {
        check(additional, e.getValue(), p, out);
      } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
        out.add(p + ": unknown field");
      }
    });
  }

  private static void checkString(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (!value.isTextual()) {
      out.add(path + ": not a string");
      return;
    }
    String s = value.asText();
    if (schema.has("enum")) {
      List<String> allowed = new ArrayList<>();
      schema.get("enum").forEach(e -> allowed.add(e.asText()));
      if (!allowed.contains(s)) {
        out.add(path + ": " + s + " not one of " + allowed);
      }
    }
    if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
      out.add(path + ": " + s + " does not match " + schema.get("pattern").asText());
    }
    if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
      out.add(path + ": longer than " + schema.get("maxLength").asInt());
    }
    if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
      out.add(path + ": shorter than " + schema.get("minLength").asInt());
    }
  }
}

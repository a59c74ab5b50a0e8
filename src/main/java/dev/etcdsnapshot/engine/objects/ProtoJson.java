package dev.etcdsnapshot.engine.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.etcdsnapshot.storage.s3.GoDuration;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Kubernetes protobuf message as the JSON kube-apiserver would serve for it: field names as in the API, bytes in
 * base64, and the API machinery's own types in their JSON form (times as RFC 3339, int-or-string, quantities,
 * embedded raw JSON). Empty strings and zero times in {@code metadata} are left out, as the API's JSON omits them.
 */
final class ProtoJson {

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String OBJECT_META = META + "ObjectMeta";
  private static final String SCHEMA_PROPS = "JSONSchemaProps";
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Map<String, String> SCHEMA_NAMES = Map.of("ref", "$ref", "schema", "$schema",
      "xKubernetesPreserveUnknownFields", "x-kubernetes-preserve-unknown-fields",
      "xKubernetesEmbeddedResource", "x-kubernetes-embedded-resource",
      "xKubernetesIntOrString", "x-kubernetes-int-or-string",
      "xKubernetesListMapKeys", "x-kubernetes-list-map-keys", "xKubernetesListType", "x-kubernetes-list-type",
      "xKubernetesMapType", "x-kubernetes-map-type", "xKubernetesValidations", "x-kubernetes-validations");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProtoJson() {}

  /** The object's fields, in the message's declaration order. */
  static ObjectNode object(Message message) {
    ObjectNode node = NODES.objectNode();
    boolean meta = message.getDescriptorForType().getFullName().equals(OBJECT_META);
    boolean schema = message.getDescriptorForType().getName().equals(SCHEMA_PROPS);
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isRepeated() ? message.getRepeatedFieldCount(field) == 0 : !message.hasField(field)) {
        continue;
      }
      JsonNode value = field(message, field);
      if (value == null || (meta && isEmpty(value))) {
        continue;
      }
      String name = field.getJsonName();
      node.set(schema ? SCHEMA_NAMES.getOrDefault(name, name) : name, value);
    }
    return node;
  }

  private static boolean isEmpty(JsonNode value) {
    return (value.isTextual() && value.textValue().isEmpty()) || (value.isNumber() && value.longValue() == 0);
  }

  private static JsonNode field(Message message, FieldDescriptor field) {
    if (field.isMapField()) {
      // Keys sorted, as Go's marshaller and kubectl print maps; the wire order says nothing.
      SortedMap<String, JsonNode> sorted = new TreeMap<>();
      for (Object entry : (List<?>) message.getField(field)) {
        Message e = (Message) entry;
        FieldDescriptor keyField = e.getDescriptorForType().findFieldByName("key");
        FieldDescriptor valueField = e.getDescriptorForType().findFieldByName("value");
        sorted.put(String.valueOf(e.getField(keyField)), value(valueField, e.getField(valueField)));
      }
      ObjectNode map = NODES.objectNode();
      map.setAll(sorted);
      return map;
    }
    if (field.isRepeated()) {
      ArrayNode array = NODES.arrayNode();
      for (Object item : (List<?>) message.getField(field)) {
        array.add(value(field, item));
      }
      return array;
    }
    return value(field, message.getField(field));
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case STRING -> NODES.textNode((String) value);
      case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> NODES.textNode(value.toString());
      case MESSAGE -> message((Message) value);
    };
  }

  /** A nested message; the API machinery's types have a JSON form of their own. */
  private static JsonNode message(Message m) {
    String type = m.getDescriptorForType().getFullName();
    return switch (type) {
      case META + "Time" -> time(m, false);
      case META + "MicroTime" -> time(m, true);
      case META + "Duration" -> NODES.textNode(GoDuration.format(Duration.ofNanos(longField(m, "duration"))));
      case META + "FieldsV1" -> rawJson(bytesField(m, "Raw"));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> rawJson(bytesField(m, "raw"));
      case "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON" -> rawJson(bytesField(m, "raw"));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> longField(m, "type") == 1
          ? NODES.textNode((String) m.getField(m.getDescriptorForType().findFieldByName("strVal")))
          : NODES.numberNode((Integer) m.getField(m.getDescriptorForType().findFieldByName("intVal")));
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" ->
          NODES.textNode((String) m.getField(m.getDescriptorForType().findFieldByName("string")));
      default -> object(m);
    };
  }

  /** Kubernetes writes a zero time as an empty message; the API's JSON has null for it, so it is left out. */
  private static JsonNode time(Message m, boolean micro) {
    long seconds = longField(m, "seconds");
    int nanos = (Integer) m.getField(m.getDescriptorForType().findFieldByName("nanos"));
    if (seconds == 0 && nanos == 0) {
      return null;
    }
    Instant at = Instant.ofEpochSecond(seconds, micro ? nanos : 0);
    return NODES.textNode(micro ? MICRO_TIME.format(at) : at.toString());
  }

  private static JsonNode rawJson(ByteString raw) {
    if (raw.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(raw.toByteArray());
    } catch (IOException e) {
      return NODES.textNode(Base64.getEncoder().encodeToString(raw.toByteArray()));
    }
  }

  private static long longField(Message m, String name) {
    return (Long) m.getField(m.getDescriptorForType().findFieldByName(name));
  }

  private static ByteString bytesField(Message m, String name) {
    return (ByteString) m.getField(m.getDescriptorForType().findFieldByName(name));
  }
}

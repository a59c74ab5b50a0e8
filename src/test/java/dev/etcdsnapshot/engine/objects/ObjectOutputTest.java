package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Objects printed for kubectl apply: server fields gone, every string still a string when read back. */
class ObjectOutputTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static ObjectNode configMap(Map<String, String> data) {
    return (ObjectNode) ((StoredObject.Decoded) StoredObject.decode(
        KubeValues.configMap("default", "app-config", data))).json();
  }

  @Test
  void forApplyDropsWhatTheServerSetsAndKeepsTheRest() {
    ObjectNode d = (ObjectNode) ((StoredObject.Decoded) StoredObject.decode(
        KubeValues.deployment("default", "web", 2, "nginx"))).json();
    d.with("metadata").putArray("ownerReferences").addObject().put("uid", "gone");
    d.with("metadata").put("resourceVersion", "123");
    ObjectNode applied = ObjectOutput.forApply(d);
    assertThat(applied.path("metadata").fieldNames()).toIterable().containsExactly("name", "namespace");
    assertThat(applied.has("status")).isFalse();
    assertThat(applied.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(d.path("metadata").has("uid")).as("the original is untouched").isTrue();
  }

  @Test
  void yamlLooksLikeKubectlsAndReadsBackToTheSameObject() throws Exception {
    ObjectNode cm = ObjectOutput.forApply(configMap(Map.of("port", "8080", "enabled", "true", "empty", "",
        "script", "#!/bin/sh\necho hi\n", "colon", "a: b", "octal", "0755", "null", "null", "yes", "yes")));
    String yaml = ObjectOutput.yaml(cm);
    assertThat(yaml).startsWith("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n"
        + "  namespace: default\ndata:\n");
    assertThat(yaml).contains("port: \"8080\"", "enabled: \"true\"", "script: |");
    JsonNode back = YAML.readTree(yaml);
    assertThat(back).isEqualTo(cm);
  }

  @Test
  void manyObjectsAreAV1List() throws Exception {
    ObjectNode a = configMap(Map.of("k", "1"));
    String json = ObjectOutput.render(List.of(a, a), true, ObjectOutput.Format.JSON);
    JsonNode list = new ObjectMapper().readTree(json);
    assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.path("kind").asText()).isEqualTo("List");
    assertThat(list.path("items")).hasSize(2);
    assertThat(json).startsWith("{\n  \"apiVersion\" : \"v1\",");
  }
}

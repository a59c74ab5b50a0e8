package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Look-ups in a rendered pod spec: its container's env and mounts, and the volumes behind them. */
final class PodTemplate {

  private PodTemplate() {}

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isValueNode() ? n.asText() : n.toString()));
    return out;
  }

  static JsonNode env(JsonNode env, String name) {
    for (JsonNode e : env) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no env " + name + " in " + env);
  }

  static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.get("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod.get("volumes"));
  }

  /** The mount at {@code path}, or null. */
  static JsonNode mount(JsonNode pod, String path) {
    for (JsonNode v : pod.at("/containers/0/volumeMounts")) {
      if (path.equals(v.path("mountPath").asText())) {
        return v;
      }
    }
    return null;
  }

  /** The hostPath type of the volume mounted at {@code path}, which must come from the same host path. */
  static String hostPath(JsonNode pod, String path) {
    JsonNode mount = mount(pod, path);
    assertThat(mount).as("a mount at %s", path).isNotNull();
    JsonNode volume = volume(pod, mount.path("name").asText());
    assertThat(volume.at("/hostPath/path").asText()).as("host path of the mount at %s", path).isEqualTo(path);
    return volume.at("/hostPath/type").asText();
  }
}

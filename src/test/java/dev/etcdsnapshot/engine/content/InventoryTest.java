package dev.etcdsnapshot.engine.content;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The inventory counts per key parent and parses only the parents: it must come out as parsing every key with
 * {@link RegistryKey#parse} would (the way {@code inspect} counted before), for every shape of key the API server
 * writes and for keys that only look like them.
 */
class InventoryTest {

  private static final List<String> KEYS = List.of(
      "/registry/configmaps/default/a",
      "/registry/configmaps/default/b",
      "/registry/configmaps/kube-system/a",
      "/registry/namespaces/default",
      "/registry/namespaces/kube-system",
      "/registry/apps.example.com/widgets/default/w",
      "/registry/apps.example.com/widgets/cluster-wide",
      "/registry/services/specs/default/kubernetes",
      "/registry/services/endpoints/default/kubernetes",
      "/registry/a/b/c/d/e",
      "/registry/configmaps//empty-namespace",
      "/registry/configmaps/",
      "/registry/namespaces",
      "/registry/",
      "/registry",
      "/other/configmaps/default/a",
      "compact_rev_key",
      "/registry/secrets/default/ünïcode");

  private static KeyRevision revision(String key, int main) {
    byte[] revisionKey = new byte[17];
    for (int i = 0; i < 8; i++) {
      revisionKey[i] = (byte) ((long) main >>> (56 - 8 * i));
    }
    revisionKey[8] = '_';
    byte[] value = KeyValue.newBuilder().setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8))
        .setModRevision(main).setValue(ByteString.copyFromUtf8("v")).build().toByteArray();
    return new KeyRevision(revisionKey, value);
  }

  /** What {@code inspect} reported before: every key parsed, counts summed, empty ones dropped. */
  private static Map<String, Map<String, Long>> parsedOneByOne(Map<String, Integer> deltas) {
    Map<String, Map<String, Long>> objects = new TreeMap<>();
    deltas.forEach((key, delta) -> {
      RegistryKey parsed = RegistryKey.parse(key.getBytes(StandardCharsets.UTF_8));
      if (parsed != null) {
        objects.computeIfAbsent(parsed.resource(), k -> new TreeMap<>()).merge(parsed.namespace(), (long) delta,
            Long::sum);
      }
    });
    objects.values().forEach(perNamespace -> perNamespace.values().removeIf(n -> n == 0));
    objects.values().removeIf(Map::isEmpty);
    return objects;
  }

  @Test
  void countsAsParsingEveryKeyWould() {
    Inventory inventory = new Inventory();
    Map<String, Integer> deltas = new TreeMap<>();
    int main = 2;
    for (String key : KEYS) {
      inventory.add(revision(key, main++), 1);
      deltas.put(key, 1);
    }
    // Deleted again: a namespace that empties disappears from the inventory, as does a resource.
    for (String key : List.of("/registry/configmaps/kube-system/a", "/registry/namespaces/default",
        "/registry/namespaces/kube-system")) {
      inventory.add(revision(key, main++), -1);
      deltas.merge(key, -1, Integer::sum);
    }

    Map<String, Map<String, Long>> objects = inventory.objects();

    assertThat(objects).isEqualTo(parsedOneByOne(deltas));
    // "/registry/configmaps//empty-namespace" and "/registry/configmaps/" read as cluster-scoped, as parse has it.
    assertThat(objects).containsEntry("configmaps", Map.of("default", 2L, "", 2L))
        .containsEntry("apps.example.com/widgets", Map.of("default", 1L, "", 1L))
        .containsEntry("services/specs", Map.of("default", 1L))
        .containsEntry("secrets", Map.of("default", 1L))
        .doesNotContainKey("namespaces");
  }
}

package dev.etcdsnapshot.engine.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyTableTest {

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void kubernetesLikeKeysThatDifferInOneByteHaveDistinctFingerprints() {
    Set<Long> seen = new HashSet<>();
    int keys = 0;
    for (String ns : new String[] {"default", "kube-system", "a", "team-b-production"}) {
      for (int i = 0; i < 50_000; i++) {
        assertThat(seen.add(KeyTable.fingerprint(key("/registry/configmaps/" + ns + "/cm-" + i))))
            .as("fingerprint of %s/cm-%d collides", ns, i).isTrue();
        keys++;
      }
    }
    assertThat(seen).hasSize(keys);
    assertThat(KeyTable.fingerprint(new byte[0])).isNotEqualTo(KeyTable.fingerprint(new byte[1]));
    assertThat(KeyTable.fingerprint(new byte[8])).isNotEqualTo(KeyTable.fingerprint(new byte[9]));
  }

  @Test
  void putOverwritesGetReadsBackAndTheTableGrows() {
    KeyTable table = new KeyTable();
    for (int i = 0; i < 10_000; i++) {
      table.put(key("k" + i), i);
    }
    table.put(key("k7"), -7);
    assertThat(table.size()).isEqualTo(10_000);
    assertThat(table.get(key("k7"))).isEqualTo(-7);
    assertThat(table.get(key("k9999"))).isEqualTo(9999);
    assertThat(table.get(key("absent"))).isEqualTo(KeyTable.ABSENT);
    assertThat(table.anyValue(v -> v < 0)).isTrue();
    assertThat(table.anyValue(v -> v > 10_000)).isFalse();
  }
}
